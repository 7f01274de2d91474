// Diagnostics: the errors and warnings of loading and compiling rules, as data.
//
// The library never prints; callers decide how to show diagnostics (text for people, JSON for
// tools: see Engine::validation_json). Every diagnostic names the file, line and column and the
// item (list, macro, rule, ...) it is about, as Falco's validation output does
// (rules-language.md §A.11). Plain value types; copy freely.
#pragma once

#include <cstdint>
#include <string>

namespace vigil::engine {

enum class Severity : uint8_t { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;       // Falco's code: "LOAD_ERR_COMPILE_CONDITION", "LOAD_UNKNOWN_KEY", ...
  std::string message;
  std::string file;
  uint32_t line = 0;      // 1-based; 0 when unknown
  uint32_t column = 0;    // 1-based; 0 when unknown
  std::string item_type;  // "rule", "macro", "list", "required_engine_version", "rules content", ...
  std::string item_name;
  std::string snippet;    // the source text the location points into (a few lines)

  // "FILE:LINE:COL: error: MESSAGE (rule 'NAME')".
  std::string to_string() const;
};

// Falco's description of a diagnostic code ("Unknown key", "Error compiling condition", ...).
const char* code_description(const std::string& code);

}  // namespace vigil::engine
