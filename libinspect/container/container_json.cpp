// Container JSON (a capture's container events) to ContainerMetadata, parsed with nlohmann-json.
// The library is header-only and stays out of vigil's public headers.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "vigil/inspect/metadata_provider.h"

namespace vigil::inspect {
namespace {

using nlohmann::json;

// The value of `key` when present and of the wanted kind; anything else stays unknown.
template <typename T>
std::optional<T> get(const json& node, const char* key) {
  auto it = node.find(key);
  if (it == node.end()) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) return it->template get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (it->is_boolean()) return it->template get<bool>();
  } else {
    if (it->is_number_integer()) return it->template get<T>();
  }
  return std::nullopt;
}

// The libs write empty strings for what the runtime did not report.
std::optional<std::string> get_text(const json& node, const char* key) {
  auto v = get<std::string>(node, key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

// Line and column (1-based) of the byte before `pos` (nlohmann counts the byte it failed on).
Error parse_error_at(std::string_view text, size_t pos, const std::string& what) {
  Error err{"invalid container JSON: " + what};
  const size_t at = std::min(pos > 0 ? pos - 1 : 0, text.size());
  err.byte_offset = at;
  err.line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++err.line;
      line_start = i + 1;
    }
  }
  err.column = static_cast<uint32_t>(at - line_start + 1);
  return err;
}

std::vector<ContainerMount> mounts_of(const json& mounts) {
  std::vector<ContainerMount> out;
  for (const json& m : mounts) {
    if (!m.is_object()) continue;
    ContainerMount mount;
    mount.source = get<std::string>(m, "Source").value_or("");
    mount.dest = get<std::string>(m, "Destination").value_or("");
    mount.mode = get<std::string>(m, "Mode").value_or("");
    mount.read_write = get<bool>(m, "RW").value_or(false);
    mount.propagation = get<std::string>(m, "Propagation").value_or("");
    out.push_back(std::move(mount));
  }
  return out;
}

}  // namespace

Result<ContainerMetadata> container_metadata_from_json(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // what() is "[json.exception.parse_error.N] parse error at line L, column C: DETAIL".
    const std::string_view what = e.what();
    const size_t detail = what.find(": ", what.find("column"));
    return parse_error_at(text, e.byte, std::string(detail == std::string_view::npos ? what : what.substr(detail + 2)));
  }
  if (!doc.is_object()) return Error{"container JSON without a \"container\" object"};
  // The plugin wraps the object in {"container": ...}; the libs' converter of legacy container
  // events (and vigil's) writes the bare object, recognized by its top-level "id".
  auto c_it = doc.find("container");
  const json* c_ptr = nullptr;
  if (c_it != doc.end() && c_it->is_object()) {
    c_ptr = &*c_it;
  } else if (c_it == doc.end() && doc.contains("id")) {
    c_ptr = &doc;
  }
  if (c_ptr == nullptr) return Error{"container JSON without a \"container\" object"};
  const json& c = *c_ptr;
  ContainerMetadata md;
  md.id = get<std::string>(c, "id").value_or("");
  if (md.id.empty()) return Error{"container JSON without an id"};
  md.full_id = get<std::string>(c, "full_id").value_or("");
  if (auto type = get<int64_t>(c, "type")) md.type = static_cast<ContainerType>(static_cast<uint16_t>(*type));
  md.name = get_text(c, "name");
  md.image = get_text(c, "image");
  md.image_id = get_text(c, "imageid");
  md.image_repository = get_text(c, "imagerepo");
  md.image_tag = get_text(c, "imagetag");
  md.image_digest = get_text(c, "imagedigest");
  md.ip = get_text(c, "ip");
  md.privileged = get<bool>(c, "privileged");
  md.host_pid = get<bool>(c, "host_pid");
  md.host_network = get<bool>(c, "host_network");
  md.host_ipc = get<bool>(c, "host_ipc");
  auto label_map = [&c](const char* key) -> std::optional<std::map<std::string, std::string>> {
    auto labels = c.find(key);
    if (labels == c.end() || !labels->is_object()) return std::nullopt;
    std::map<std::string, std::string> out;
    for (const auto& [name, value] : labels->items()) {
      if (value.is_string()) out[name] = value.get<std::string>();
    }
    return out;
  };
  md.labels = label_map("labels");
  md.pod_labels = label_map("pod_sandbox_labels");
  md.pod_sandbox_id = get_text(c, "pod_sandbox_id");
  md.cni_json = get_text(c, "cni_json");
  if (auto mounts = c.find("Mounts"); mounts != c.end() && mounts->is_array()) md.mounts = mounts_of(*mounts);
  if (auto created = get<int64_t>(c, "created_time"); created && *created > 0) {
    md.created_ts = static_cast<uint64_t>(*created) * 1'000'000'000ull;
  }
  return md;
}

}  // namespace vigil::inspect
