// Container ids from cgroup paths, following the container plugin's matchers rule by rule.
#include <cstring>

#include "vigil/inspect/container.h"

namespace vigil::inspect {
namespace {

constexpr size_t kFullIdLength = 64;
constexpr size_t kShortIdLength = 12;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// One cgroup layout: the id sits between the last `prefix` and the last `suffix` (or the end).
struct Layout {
  std::string_view prefix;
  std::string_view suffix;
  ContainerType type;
};

// The plugin's match_one_container_id(): a 64-hex id always matches; for containerd namespaces a
// shorter id of any characters also does, unless the path is a systemd unit.
bool match_layout(std::string_view cgroup, const Layout& layout, bool containerd_namespace,
                  ContainerMatch& out) {
  size_t start = cgroup.rfind(layout.prefix);
  if (start == std::string_view::npos) return false;
  start += layout.prefix.size();
  size_t end = layout.suffix.empty() ? cgroup.size() : cgroup.rfind(layout.suffix);
  if (end == std::string_view::npos || end < start) return false;
  std::string_view id = cgroup.substr(start, end - start);
  if (id.size() == kFullIdLength && is_hex(id)) {
    out.full_id = std::string(id);
    out.id = std::string(id.substr(0, kShortIdLength));
  } else if (containerd_namespace && !id.empty() && id.size() <= kFullIdLength &&
             !ends_with(cgroup, ".service") && !ends_with(cgroup, ".slice") &&
             !ends_with(cgroup, ".scope")) {
    out.full_id = std::string(id);
    out.id = std::string(id.substr(0, kShortIdLength));
  } else {
    return false;
  }
  out.type = layout.type;
  return true;
}

bool match_layouts(std::string_view cgroup, std::span<const Layout> layouts, ContainerMatch& out) {
  for (const Layout& l : layouts) {
    if (match_layout(cgroup, l, false, out)) return true;
  }
  return false;
}

constexpr Layout kPodmanLayouts[] = {
    {"/libpod-", ".scope", ContainerType::Podman},
    {"/libpod-", ".scope/container", ContainerType::Podman},
    {"/libpod-", "", ContainerType::Podman},  // non-systemd podman
    {"/libpod-payload-", ".scope", ContainerType::Podman},  // cgroup mode "split"
    {"/libpod-payload-", ".scope/container", ContainerType::Podman},
    {"/libpod-payload-", "", ContainerType::Podman},
};

constexpr Layout kDockerLayouts[] = {
    {"/", "", ContainerType::Docker},  // cgroupfs docker
    {"/docker-", ".scope", ContainerType::Docker},  // systemd docker
};

constexpr Layout kCriLayouts[] = {
    {"/", "", ContainerType::Cri},  // cgroupfs containerd (shadowed by docker's when enabled)
    {"/crio-", "", ContainerType::Crio},
    {"/cri-containerd-", ".scope", ContainerType::Containerd},
    {"/crio-", ".scope", ContainerType::Crio},
    {":cri-containerd:", "", ContainerType::Containerd},  // containerd without SystemdCgroup
    {"/docker-", ".scope", ContainerType::Docker},  // cri-dockerd
    {"/nerdctl-", ".scope", ContainerType::Containerd},
};

// "/<namespace>/" as the plugin's pattern /([A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*)/ finds it: the
// first path segment made of alphanumeric runs joined by single '.', '_' or '-' and followed
// by another '/'.
std::string_view first_namespace_segment(std::string_view cgroup) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  for (size_t slash = cgroup.find('/'); slash != std::string_view::npos;
       slash = cgroup.find('/', slash + 1)) {
    size_t next = cgroup.find('/', slash + 1);
    if (next == std::string_view::npos) return {};
    std::string_view seg = cgroup.substr(slash + 1, next - slash - 1);
    bool ok = !seg.empty() && alnum(seg.front()) && alnum(seg.back());
    for (size_t i = 0; ok && i < seg.size(); ++i) {
      if (!alnum(seg[i]) && (std::strchr("._-", seg[i]) == nullptr || !alnum(seg[i + 1]))) {
        ok = false;
      }
    }
    if (ok) return cgroup.substr(slash, seg.size() + 2);
  }
  return {};
}

// ctr-style containers: "/<namespace>/<name>" where the first path segment shaped like a
// containerd namespace is one the caller trusts (see ContainerEngines::containerd_namespaces).
bool match_containerd_namespace(std::string_view cgroup, std::span<const std::string> namespaces,
                                ContainerMatch& out) {
  std::string_view ns = first_namespace_segment(cgroup);
  if (ns.empty()) return false;
  const std::string_view name = ns.substr(1, ns.size() - 2);
  bool trusted = false;
  for (const std::string& allowed : namespaces) trusted = trusted || allowed == "*" || allowed == name;
  if (!trusted) return false;
  return match_layout(cgroup, Layout{ns, "", ContainerType::Containerd}, true, out);
}

// "/lxc/<id>", "/lxc.payload/<id>", "/lxc.payload.<id>": the id runs to the next '/'.
bool match_lxc(std::string_view cgroup, ContainerMatch& out) {
  for (std::string_view marker : {"/lxc/", "/lxc.payload/", "/lxc.payload."}) {
    size_t pos = cgroup.find(marker);
    if (pos == std::string_view::npos) continue;
    std::string_view rest = cgroup.substr(pos + marker.size());
    out.id = out.full_id = std::string(rest.substr(0, rest.find('/')));
    out.type = ContainerType::Lxc;
    return true;
  }
  return false;
}

bool match_libvirt_lxc(std::string_view cgroup, ContainerMatch& out) {
  out.type = ContainerType::LibvirtLxc;
  // Non-systemd: ".../<id>.libvirt-lxc" at the very end.
  constexpr std::string_view kSuffix = ".libvirt-lxc";
  size_t pos = cgroup.find(kSuffix);
  if (pos != std::string_view::npos && pos == cgroup.size() - kSuffix.size()) {
    size_t slash = cgroup.find_last_of('/');
    if (slash != std::string_view::npos && slash < pos) {
      out.id = out.full_id = std::string(cgroup.substr(slash + 1, pos - slash - 1));
      return true;
    }
  }
  // systemd: "machine-lxc\x2d<id>.scope" (optionally followed by "/libvirt"). The plugin skips
  // one more character than the marker's length, dropping the "d" of the "\x2d" escape.
  constexpr std::string_view kMarker = "-lxc\\x2";
  pos = cgroup.find(kMarker);
  if (pos != std::string_view::npos) {
    std::string_view delimiter =
        cgroup.find(".scope/libvirt") != std::string_view::npos ? ".scope/libvirt" : ".scope";
    size_t end = cgroup.find(delimiter);
    size_t start = pos + kMarker.size() + 1;
    if (end != std::string_view::npos && end == cgroup.size() - delimiter.size() && end >= start) {
      out.id = out.full_id = std::string(cgroup.substr(start, end - start));
      return true;
    }
  }
  // Legacy: ".../libvirt/lxc/<id>".
  constexpr std::string_view kLegacy = "/libvirt/lxc/";
  pos = cgroup.find(kLegacy);
  if (pos != std::string_view::npos) {
    out.id = out.full_id = std::string(cgroup.substr(pos + kLegacy.size()));
    return true;
  }
  return false;
}

// "bpm-<id>[.scope]" with BPM's id alphabet.
bool match_bpm(std::string_view cgroup, ContainerMatch& out) {
  size_t pos = cgroup.find("bpm-");
  if (pos == std::string_view::npos) return false;
  size_t start = pos + 4;
  size_t end = cgroup.find(".scope", start);
  std::string_view id = cgroup.substr(start, end == std::string_view::npos ? end : end - start);
  if (id.empty()) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  out.id = out.full_id = std::string(id);
  out.type = ContainerType::Bpm;
  return true;
}

}  // namespace

std::string_view container_type_name(ContainerType type) {
  switch (type) {
    case ContainerType::Docker: return "docker";
    case ContainerType::Lxc: return "lxc";
    case ContainerType::LibvirtLxc: return "libvirt-lxc";
    case ContainerType::Mesos: return "mesos";
    case ContainerType::Rkt: return "rkt";
    case ContainerType::Cri: return "cri";
    case ContainerType::Containerd: return "containerd";
    case ContainerType::Crio: return "cri-o";
    case ContainerType::Bpm: return "bpm";
    case ContainerType::Podman: return "podman";
    case ContainerType::Host: return "host";
    case ContainerType::Custom:
    case ContainerType::Static:
    case ContainerType::Unknown: break;
  }
  return "";
}

std::optional<ContainerMatch> match_container_cgroup(std::string_view cgroup,
                                                     const ContainerEngines& engines) {
  ContainerMatch m;
  bool matched = (engines.podman && match_layouts(cgroup, kPodmanLayouts, m)) ||
                 (engines.docker && match_layouts(cgroup, kDockerLayouts, m)) ||
                 (engines.cri && match_layouts(cgroup, kCriLayouts, m)) ||
                 (engines.containerd && match_containerd_namespace(cgroup, engines.containerd_namespaces, m)) ||
                 (engines.lxc && match_lxc(cgroup, m)) ||
                 (engines.libvirt_lxc && match_libvirt_lxc(cgroup, m)) ||
                 (engines.bpm && match_bpm(cgroup, m));
  if (!matched) return std::nullopt;
  // A bare 64-hex leaf under a kubepods tree is a CRI runtime's, not docker's.
  if (m.type == ContainerType::Docker && cgroup.find("/kubepods") != std::string_view::npos &&
      cgroup.find("/docker-") == std::string_view::npos) {
    m.type = ContainerType::Cri;
  }
  m.cgroup = std::string(cgroup);
  m.pod_uid = pod_uid_from_cgroup(cgroup);
  return m;
}

ContainerMatch container_from_cgroups(std::span<const std::string> cgroups,
                                      const ContainerEngines& engines) {
  std::string pod_uid;
  for (const std::string& item : cgroups) {
    // "controller=path", split at the first '=' as the libs do ("name=systemd=/x" keeps
    // "systemd=/x" as its path, which still matches on its tail).
    size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    std::string_view path = std::string_view(item).substr(eq + 1);
    if (path.empty()) continue;
    if (auto m = match_container_cgroup(path, engines)) {
      if (m->pod_uid.empty()) m->pod_uid = std::move(pod_uid);
      return *std::move(m);
    }
    if (pod_uid.empty()) pod_uid = pod_uid_from_cgroup(path);
  }
  ContainerMatch host;
  host.id = host.full_id = std::string(kHostContainerId);
  host.type = ContainerType::Host;
  host.pod_uid = std::move(pod_uid);
  return host;
}

std::string pod_uid_from_cgroup(std::string_view cgroup) {
  // pod + 8-4-4-4-12 lowercase alphanumerics, groups joined by '-' or '_' (k8smeta's RGX_POD).
  constexpr size_t kGroups[] = {8, 4, 4, 4, 12};
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (size_t pos = cgroup.find("pod"); pos != std::string_view::npos;
       pos = cgroup.find("pod", pos + 1)) {
    size_t i = pos + 3;
    bool ok = true;
    for (size_t g = 0; ok && g < 5; ++g) {
      if (g > 0) {
        ok = i < cgroup.size() && (cgroup[i] == '-' || cgroup[i] == '_');
        ++i;
      }
      for (size_t k = 0; ok && k < kGroups[g]; ++k, ++i) {
        ok = i < cgroup.size() && lower_alnum(cgroup[i]);
      }
    }
    if (!ok) continue;
    std::string uid(cgroup.substr(pos + 3, i - pos - 3));
    for (char& c : uid) {
      if (c == '_') c = '-';
    }
    return uid;
  }
  return "";
}

}  // namespace vigil::inspect
