// user.*, group.*, container.* and k8s.* fields.
#include "fields/extract_util.h"

namespace vigil::inspect::detail {

bool extract_user(FieldId id, const FieldArg&, const EventContext& ctx, FieldValues& out) {
  const ThreadState* t = ctx.thread();
  if (!t) return false;
  const UserTable& users = ctx.inspector().users();
  switch (id) {
    case FieldId::kUserUid: return put_u64(out, t->uid, FieldType::Uint32);
    case FieldId::kUserName:
    case FieldId::kUserHomedir:
    case FieldId::kUserShell: {
      const capture::UserInfo* u = users.user(t->uid);
      if (!u) return false;
      if (id == FieldId::kUserName) return put_str(out, u->name);
      return put_str(out, id == FieldId::kUserHomedir ? std::string_view(u->homedir) : std::string_view(u->shell));
    }
    case FieldId::kUserLoginuid:
      return put_i64(out, t->loginuid == 0xFFFFFFFFu ? -1 : static_cast<int64_t>(t->loginuid));
    case FieldId::kUserLoginname: {
      if (t->loginuid == 0xFFFFFFFFu) return false;
      const capture::UserInfo* u = users.user(t->loginuid);
      return u && put_str(out, u->name);
    }
    case FieldId::kGroupGid: return put_u64(out, t->gid, FieldType::Uint32);
    case FieldId::kGroupName: {
      const capture::GroupInfo* g = users.group(t->gid);
      return g && put_str(out, g->name);
    }
    default:
      return false;
  }
}

namespace {

bool opt_str(const std::optional<std::string>& v, FieldValues& out) { return v && put_str(out, *v); }
bool opt_bool(const std::optional<bool>& v, FieldValues& out) { return v && put_bool(out, *v); }

// The key is a std::string (the field's argument, or one of the constants below) because the
// map has no heterogeneous lookup: a view would cost a string built per extraction.
std::string_view label(const std::optional<std::map<std::string, std::string>>& labels, const std::string& key) {
  if (!labels) return {};
  auto it = labels->find(key);
  return it == labels->end() ? std::string_view() : std::string_view(it->second);
}
std::string_view label(const ContainerMetadata& m, const std::string& key) { return label(m.labels, key); }
const std::string kPodNameLabel = "io.kubernetes.pod.name";
const std::string kPodNamespaceLabel = "io.kubernetes.pod.namespace";

// "k1:v1,k2:v2" (container.labels, k8s.pod.labels).
bool labels_text(const EventContext& ctx, const std::optional<std::map<std::string, std::string>>& labels,
                 FieldValues& out) {
  if (!labels) return false;
  std::string& s = ctx.scratch();
  s.clear();
  for (const auto& [k, v] : *labels) {
    if (!s.empty()) s += ',';
    s += k;
    s += ':';
    s += v;
  }
  return put_str(out, s);
}

// The pod's labels when the provider knows them, else the container's (which CRI runtimes give
// the pod's labels too).
const std::optional<std::map<std::string, std::string>>& pod_labels(const ContainerMetadata& m) {
  return m.pod_labels ? m.pod_labels : m.labels;
}

// Whether the container belongs to a kubernetes pod (pod fields exist only then).
bool in_pod(const ContainerMatch& match, const ContainerMetadata& m) {
  return !match.pod_uid.empty() || m.pod_uid || m.pod_sandbox_id || m.pod_name;
}

// Shell-style glob with '*' and '?', for container.mount[PATH-GLOB].
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

void mount_text(const ContainerMount& m, std::string& out) {
  out += m.source;
  out += ':';
  out += m.dest;
  out += ':';
  out += m.mode;
  out += ':';
  out += m.read_write ? "true" : "false";
  out += ':';
  out += m.propagation;
}

}  // namespace

bool extract_container(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out) {
  const ThreadState* t = ctx.thread();
  if (!t) return false;
  const ContainerMatch& match = t->container;
  const ContainerMetadata& m = ctx.inspector().container(match);
  switch (id) {
    case FieldId::kContainerId: return put_str(out, match.id);
    case FieldId::kContainerFullId: return put_str(out, match.full_id);
    case FieldId::kContainerType: {
      std::string_view name = container_type_name(match.type);
      return !name.empty() && put_str(out, name);
    }
    case FieldId::kContainerName: return opt_str(m.name, out);
    case FieldId::kContainerImage: return opt_str(m.image, out);
    case FieldId::kContainerImageId: return opt_str(m.image_id, out);
    case FieldId::kContainerImageRepository: return opt_str(m.image_repository, out);
    case FieldId::kContainerImageTag: return opt_str(m.image_tag, out);
    case FieldId::kContainerImageDigest: return opt_str(m.image_digest, out);
    case FieldId::kContainerIp: return opt_str(m.ip, out);
    case FieldId::kContainerPrivileged: return !match.is_host() && opt_bool(m.privileged, out);
    case FieldId::kContainerHostPid: return opt_bool(m.host_pid, out);
    case FieldId::kContainerHostNetwork: return opt_bool(m.host_network, out);
    case FieldId::kContainerHostIpc: return opt_bool(m.host_ipc, out);
    case FieldId::kContainerStartTs: return m.created_ts && put_u64(out, *m.created_ts, FieldType::AbsTime);
    case FieldId::kContainerDuration:
      return m.created_ts && ctx.event().ts() >= *m.created_ts &&
             put_u64(out, ctx.event().ts() - *m.created_ts, FieldType::RelTime);
    case FieldId::kContainerLabel: {
      std::string_view v = label(m, arg.key);
      return !v.empty() && put_str(out, v);
    }
    case FieldId::kContainerLabels: return labels_text(ctx, m.labels, out);
    case FieldId::kContainerCniJson:
    case FieldId::kK8sPodCniJson:
      return opt_str(m.cni_json, out);
    case FieldId::kContainerMounts: {
      if (!m.mounts) return false;
      std::string& s = ctx.scratch();
      s.clear();
      for (const auto& mount : *m.mounts) {
        if (!s.empty()) s += ',';
        mount_text(mount, s);
      }
      return put_str(out, s);
    }
    case FieldId::kContainerMount:
    case FieldId::kContainerMountSource:
    case FieldId::kContainerMountDest:
    case FieldId::kContainerMountMode:
    case FieldId::kContainerMountRdwr:
    case FieldId::kContainerMountPropagation: {
      if (!m.mounts) return false;
      const ContainerMount* found = nullptr;
      if (arg.key.empty()) {
        if (static_cast<size_t>(arg.number) < m.mounts->size()) found = &(*m.mounts)[arg.number];
      } else {
        // container.mount.source[...] selects by destination, the others by source.
        for (const auto& mount : *m.mounts) {
          const std::string& subject = id == FieldId::kContainerMountSource ? mount.dest : mount.source;
          if (glob_match(arg.key, subject)) {
            found = &mount;
            break;
          }
        }
      }
      if (!found) return false;
      switch (id) {
        case FieldId::kContainerMountSource: return put_str(out, found->source);
        case FieldId::kContainerMountDest: return put_str(out, found->dest);
        case FieldId::kContainerMountMode: return put_str(out, found->mode);
        case FieldId::kContainerMountRdwr: return put_str(out, found->read_write ? "true" : "false");
        case FieldId::kContainerMountPropagation: return put_str(out, found->propagation);
        default: {
          std::string& s = ctx.scratch();
          s.clear();
          mount_text(*found, s);
          return put_str(out, s);
        }
      }
    }
    case FieldId::kK8sPodName: {
      if (m.pod_name) return put_str(out, *m.pod_name);
      std::string_view v = label(m, kPodNameLabel);
      return !v.empty() && put_str(out, v);
    }
    case FieldId::kK8sNsName: {
      if (m.pod_namespace) return put_str(out, *m.pod_namespace);
      std::string_view v = label(m, kPodNamespaceLabel);
      return !v.empty() && put_str(out, v);
    }
    case FieldId::kK8sPodUid:
    case FieldId::kK8sPodId:
      if (!match.pod_uid.empty()) return put_str(out, match.pod_uid);
      return opt_str(m.pod_uid, out);
    case FieldId::kProcIsContainerHealthcheck:
    case FieldId::kProcIsContainerLivenessProbe:
    case FieldId::kProcIsContainerReadinessProbe:
      // Probes are recognized from a runtime's health-check configuration, which cgroups and
      // capture metadata do not carry: no process is known to be one.
      return put_bool(out, false);
    case FieldId::kK8sPodLabel: {
      std::string_view v = label(pod_labels(m), arg.key);
      return !v.empty() && put_str(out, v);
    }
    case FieldId::kK8sPodLabels: return labels_text(ctx, pod_labels(m), out);
    case FieldId::kK8sPodIp: return in_pod(match, m) && opt_str(m.ip, out);
    case FieldId::kK8sPodSandboxId:
      return m.pod_sandbox_id && put_str(out, std::string_view(*m.pod_sandbox_id).substr(0, 12));
    case FieldId::kK8sPodFullSandboxId: return opt_str(m.pod_sandbox_id, out);
    default:
      return false;  // legacy k8s objects (rc, svc, rs, deployment, ns labels) are gone from the libs too
  }
}

}  // namespace vigil::inspect::detail
