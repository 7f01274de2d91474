// Container JSON (a capture's container events) to ContainerMetadata. JSON is read with yaml-cpp,
// already a dependency for rules files, since flow-style YAML accepts these documents.
#include <yaml-cpp/yaml.h>

#include "vigil/inspect/metadata_provider.h"

namespace vigil::inspect {
namespace {

template <typename T>
std::optional<T> get(const YAML::Node& node, const char* key) {
  YAML::Node v = node[key];
  if (!v || v.IsNull() || !v.IsScalar()) return std::nullopt;
  return v.as<T>();
}

// The libs write empty strings for what the runtime did not report.
std::optional<std::string> get_text(const YAML::Node& node, const char* key) {
  auto v = get<std::string>(node, key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

}  // namespace

Result<ContainerMetadata> container_metadata_from_json(std::string_view json) {
  try {
    YAML::Node doc = YAML::Load(std::string(json));
    YAML::Node c = doc["container"];
    if (!c || !c.IsMap()) return Error{"container JSON without a \"container\" object"};
    ContainerMetadata md;
    md.id = get<std::string>(c, "id").value_or("");
    if (md.id.empty()) return Error{"container JSON without an id"};
    md.full_id = get<std::string>(c, "full_id").value_or("");
    if (auto type = get<int>(c, "type")) {
      md.type = static_cast<ContainerType>(static_cast<uint16_t>(*type));
    }
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
    auto label_map = [&](const char* key) -> std::optional<std::map<std::string, std::string>> {
      YAML::Node labels = c[key];
      if (!labels || !labels.IsMap()) return std::nullopt;
      std::map<std::string, std::string> out;
      for (const auto& kv : labels) out[kv.first.as<std::string>()] = kv.second.as<std::string>();
      return out;
    };
    md.labels = label_map("labels");
    md.pod_labels = label_map("pod_sandbox_labels");
    md.pod_sandbox_id = get_text(c, "pod_sandbox_id");
    md.cni_json = get_text(c, "cni_json");
    if (YAML::Node mounts = c["Mounts"]; mounts && mounts.IsSequence()) {
      std::vector<ContainerMount> out;
      for (const auto& m : mounts) {
        ContainerMount mount;
        mount.source = get<std::string>(m, "Source").value_or("");
        mount.dest = get<std::string>(m, "Destination").value_or("");
        mount.mode = get<std::string>(m, "Mode").value_or("");
        mount.read_write = get<bool>(m, "RW").value_or(false);
        mount.propagation = get<std::string>(m, "Propagation").value_or("");
        out.push_back(std::move(mount));
      }
      md.mounts = std::move(out);
    }
    if (auto created = get<int64_t>(c, "created_time"); created && *created > 0) {
      md.created_ts = static_cast<uint64_t>(*created) * 1'000'000'000ull;
    }
    return md;
  } catch (const YAML::Exception& e) {
    Error err{"invalid container JSON: " + e.msg};
    if (!e.mark.is_null()) {
      err.line = static_cast<uint32_t>(e.mark.line + 1);
      err.column = static_cast<uint32_t>(e.mark.column + 1);
    }
    return err;
  }
}

}  // namespace vigil::inspect
