// Which container a thread runs in, as far as its cgroups tell: the container id, a best guess at
// the runtime, and the Kubernetes pod uid. This mirrors the falcosecurity container plugin's
// cgroup matchers (and the k8smeta plugin's pod uid pattern), so container.id agrees with Falco:
//  - the thread's "controller=path" cgroups are tried in order, the first path matching wins
//    (live, the first item is "unified=path", the thread's own cgroup v2 path, which on a v2
//    host is the only one naming a container leaf that has no controllers enabled);
//  - runtimes are tried in the plugin's order: podman, docker, cri (cri-o, containerd, nerdctl,
//    cri-dockerd), containerd namespaces (ctr; only trusted namespaces, see ContainerEngines),
//    lxc, libvirt-lxc, bpm. rkt and mesos are not recognized (the plugin dropped them too);
//  - runc-style ids are 64 hex characters and container.id is their first 12 (ContainerMatch::id),
//    the whole id stays available (full_id); containerd namespace ids may be any length up to 64;
//  - a thread matching nothing is on the host: id and full_id are "host", type Host.
// The runtime type is a guess from the cgroup layout alone (the plugin learns it from the runtime's
// API later): "/kubepods/.../<id>" without a runtime prefix is reported as Cri.
//
// Pure functions over value types; no state, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::inspect {

// The container plugin's container_type values (container.type prints the name).
enum class ContainerType : uint16_t {
  Docker = 0, Lxc = 1, LibvirtLxc = 2, Mesos = 3, Rkt = 4, Custom = 5, Cri = 6, Containerd = 7,
  Crio = 8, Bpm = 9, Static = 10, Podman = 11, Host = 0xfffe, Unknown = 0xffff,
};

// "docker", "cri-o", "libvirt-lxc", "host", ...; "" for Unknown/Custom/Static.
std::string_view container_type_name(ContainerType type);

inline constexpr std::string_view kHostContainerId = "host";

struct ContainerMatch {
  std::string id;                 // container.id: 12-char short id, or "host"
  std::string full_id;            // the id as the cgroup spells it, or "host"
  ContainerType type = ContainerType::Host;
  std::string pod_uid;            // k8s pod uid ("-" separated), "" when the cgroups show none
  std::string cgroup;             // the cgroup path that matched; "" on the host

  bool is_host() const { return type == ContainerType::Host; }
  bool operator==(const ContainerMatch&) const = default;
};

// Which runtimes to recognize, like the plugin's `engines` config (all on by default).
//
// One deliberate difference from the plugin: its containerd engine takes the first
// "/<namespace>/" segment of any path as a containerd namespace and any leaf below it (up to 64
// characters, not ending in .service/.slice/.scope) as a ctr container, which makes ordinary
// host trees such as "/process_api/<32 hex>" or "/batch/job-7" containers. Here only the
// namespaces listed in containerd_namespaces count ("default", ctr's and nerdctl's, and
// "k8s.io", kubelet's, unless changed), as the libs' own containerd engine did with "default";
// the entry "*" restores the plugin's any-namespace behaviour. Runc-style 64-hex ids are matched
// as before under any parent (docker's cgroupfs layout, which --cgroup-parent moves anywhere).
struct ContainerEngines {
  bool podman = true;
  bool docker = true;
  bool cri = true;
  bool containerd = true;
  bool lxc = true;
  bool libvirt_lxc = true;
  bool bpm = true;
  std::vector<std::string> containerd_namespaces = {"default", "k8s.io"};
};

// The container one cgroup path belongs to; nullopt when it belongs to none. pod_uid is filled
// from the same path.
std::optional<ContainerMatch> match_container_cgroup(std::string_view cgroup_path,
                                                     const ContainerEngines& engines = {});

// The container of a thread from its cgroups ("controller=path" items, as in ThreadInfo); the
// host when no path matches. The pod uid is taken from the first item carrying one.
ContainerMatch container_from_cgroups(std::span<const std::string> cgroups,
                                      const ContainerEngines& engines = {});

// The pod uid in a cgroup path ("pod0586...-..." or the systemd "pod0586..._..." form), with "_"
// turned into "-"; "" when there is none.
std::string pod_uid_from_cgroup(std::string_view cgroup_path);

}  // namespace vigil::inspect
