#include "vigil/engine/diagnostic.h"

#include <string_view>

namespace vigil::engine {

std::string Diagnostic::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line) {
      out += ':' + std::to_string(line);
      if (column) out += ':' + std::to_string(column);
    }
    out += ": ";
  }
  out += severity == Severity::Error ? "error: " : "warning: ";
  out += message;
  if (!item_name.empty()) out += " (" + item_type + " '" + item_name + "')";
  return out;
}

const char* code_description(const std::string& code) {
  static constexpr std::pair<std::string_view, const char*> kCodes[] = {
      {"LOAD_ERR_FILE_READ", "Could not read file"},
      {"LOAD_ERR_YAML_PARSE", "Invalid yaml"},
      {"LOAD_ERR_YAML_VALIDATE", "Error validating internal structure of YAML file"},
      {"LOAD_ERR_COMPILE_CONDITION", "Error compiling condition"},
      {"LOAD_ERR_COMPILE_OUTPUT", "Error compiling output"},
      {"LOAD_ERR_VALIDATE", "Error validating rule/macro/list/exception objects"},
      {"LOAD_ERR_EXTENSION", "Error in extension item"},
      {"LOAD_UNKNOWN_SOURCE", "Unknown source"},
      {"LOAD_UNSAFE_NA_CHECK", "Unsafe <NA> comparison in condition"},
      {"LOAD_NO_EVTTYPE", "Condition has no event-type restriction"},
      {"LOAD_UNKNOWN_FILTER", "Unknown field or event-type in condition or output"},
      {"LOAD_UNUSED_MACRO", "Unused macro"},
      {"LOAD_UNUSED_LIST", "Unused list"},
      {"LOAD_UNKNOWN_ITEM", "Unknown rules file item"},
      {"LOAD_DEPRECATED_ITEM", "Used deprecated item"},
      {"LOAD_WARNING_EXTENSION", "Warning in extension item"},
      {"LOAD_APPEND_NO_VALUES", "Overriding/appending with no values"},
      {"LOAD_EXCEPTION_NAME_NOT_UNIQUE", "Multiple exceptions defined with the same name"},
      {"LOAD_INVALID_MACRO_NAME", "Invalid macro name"},
      {"LOAD_INVALID_LIST_NAME", "Invalid list name"},
      {"LOAD_COMPILE_CONDITION", "Warning in rule condition"},
      {"LOAD_UNKNOWN_KEY", "Unknown key"},
  };
  for (auto& [c, d] : kCodes)
    if (c == code) return d;
  return "Unknown";
}

}  // namespace vigil::engine
