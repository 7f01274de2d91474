#include "vigil/inspect/metadata_provider.h"

namespace vigil::inspect {

ContainerMetadata CgroupMetadataProvider::lookup(const ContainerMatch& match) const {
  ContainerMetadata md;
  md.id = match.id;
  md.full_id = match.full_id;
  md.type = match.type;
  if (!match.pod_uid.empty()) md.pod_uid = match.pod_uid;
  if (match.is_host()) {
    // The plugin's host entry: its name is "host" too, and it is nothing but the host.
    md.name = std::string(kHostContainerId);
    md.privileged = false;
  }
  return md;
}

ContainerMetadataTable::ContainerMetadataTable(const ContainerMetadataProvider* fallback)
    : fallback_(fallback != nullptr ? fallback : &default_fallback_) {}

void ContainerMetadataTable::put(ContainerMetadata metadata) {
  std::string id = metadata.id;
  entries_.insert_or_assign(std::move(id), std::move(metadata));
}

bool ContainerMetadataTable::erase(const std::string& id) { return entries_.erase(id) > 0; }

ContainerMetadata ContainerMetadataTable::lookup(const ContainerMatch& match) const {
  auto it = entries_.find(match.id);
  if (it == entries_.end()) return fallback_->lookup(match);
  ContainerMetadata md = it->second;
  if (md.full_id.empty()) md.full_id = match.full_id;
  if (md.type == ContainerType::Unknown) md.type = match.type;
  if (!md.pod_uid && !match.pod_uid.empty()) md.pod_uid = match.pod_uid;
  return md;
}

}  // namespace vigil::inspect
