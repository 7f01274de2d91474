// Container metadata beyond what cgroups tell (name, image, labels, privileged, mounts...), and
// the interface that supplies it. A provider is asked once per newly seen container; it fills
// what it knows and leaves every other field unknown (nullopt), which fields print as <NA>.
//
// Built in:
//  - CgroupMetadataProvider knows only what the cgroups said (id, full id, type) and, for the
//    host, the plugin's host entry (name "host");
//  - ContainerMetadataTable holds entries put into it, e.g. from a capture's container events or
//    from a runtime client the embedding application runs, and falls back to another provider.
// Runtime clients (docker/containerd/cri-o sockets) are not part of vigil; implement the
// interface to add one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/inspect/container.h"

namespace vigil::inspect {

// One mount of a container (container.mounts prints source:dest:mode:rdwr:propagation).
struct ContainerMount {
  std::string source;
  std::string dest;
  std::string mode;
  bool read_write = false;
  std::string propagation;
  bool operator==(const ContainerMount&) const = default;
};

// What is known about one container. id/full_id/type are always known; the rest may not be.
struct ContainerMetadata {
  std::string id;
  std::string full_id;
  ContainerType type = ContainerType::Unknown;
  std::optional<std::string> name;
  std::optional<std::string> image;          // as referenced, e.g. "nginx:1.25"
  std::optional<std::string> image_id;
  std::optional<std::string> image_repository;
  std::optional<std::string> image_tag;
  std::optional<std::string> image_digest;
  std::optional<std::string> ip;
  std::optional<bool> privileged;
  std::optional<bool> host_pid;
  std::optional<bool> host_network;
  std::optional<bool> host_ipc;
  std::optional<std::map<std::string, std::string>> labels;
  std::optional<std::vector<ContainerMount>> mounts;
  std::optional<std::string> pod_uid;
  std::optional<std::string> pod_name;
  std::optional<std::string> pod_namespace;
  std::optional<std::string> pod_sandbox_id;  // full id of the pod's sandbox container
  std::optional<std::map<std::string, std::string>> pod_labels;  // the pod's (sandbox's) labels
  std::optional<std::string> cni_json;        // the CNI result of the pod network (CRI runtimes)
  std::optional<uint64_t> created_ts;        // ns since the epoch
  bool operator==(const ContainerMetadata&) const = default;
};

// Parses the container JSON that captures carry in container events (the libs' and the
// container plugin's {"container": {...}} document: "id", "full_id", "type", "name", "image",
// "imageid", "imagerepo", "imagetag", "imagedigest", "ip", "privileged", "host_pid",
// "host_network", "host_ipc", "labels", "Mounts", "created_time" in seconds, "pod_sandbox_id",
// "pod_sandbox_labels", "cni_json"), or the bare object with a top-level "id" that converted
// legacy container events carry. Keys that are absent stay unknown. Errors name the line and
// column of the fault.
Result<ContainerMetadata> container_metadata_from_json(std::string_view json);

// Supplies ContainerMetadata for a container found in cgroups.
// Implementations must be safe to call from the thread that owns the inspector; lookup() is not
// on the per-event path (the inspector caches by container id).
class ContainerMetadataProvider {
 public:
  virtual ~ContainerMetadataProvider() = default;
  // The metadata of the container `match` identifies. Never fails: unknown parts stay nullopt.
  virtual ContainerMetadata lookup(const ContainerMatch& match) const = 0;
};

// Knows only what the cgroups said. Stateless: safe to share between threads.
class CgroupMetadataProvider final : public ContainerMetadataProvider {
 public:
  ContainerMetadata lookup(const ContainerMatch& match) const override;
};

// Entries keyed by short container id, with a fallback for ids it does not hold.
// Not synchronized: mutate and look up from one thread (or guard it externally).
class ContainerMetadataTable final : public ContainerMetadataProvider {
 public:
  // fallback must outlive the table; nullptr uses a CgroupMetadataProvider.
  explicit ContainerMetadataTable(const ContainerMetadataProvider* fallback = nullptr);

  // Adds or replaces the entry for metadata.id.
  void put(ContainerMetadata metadata);
  bool erase(const std::string& id);
  size_t size() const { return entries_.size(); }

  // A stored entry for match.id (with the match's id, full id and type filling any blanks of
  // the stored one), else the fallback's answer.
  ContainerMetadata lookup(const ContainerMatch& match) const override;

 private:
  CgroupMetadataProvider default_fallback_;
  const ContainerMetadataProvider* fallback_;
  std::unordered_map<std::string, ContainerMetadata> entries_;
};

}  // namespace vigil::inspect
