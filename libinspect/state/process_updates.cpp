// Thread-table updates: clone/fork, execve, exit, credentials, session, name, capabilities, cwd.
#include <cstring>

#include "state/inspector_impl.h"

namespace vigil::inspect {

using capture::ParamView;

namespace {

constexpr uint32_t kClFiles = 1u << 0;          // PPM_CL_CLONE_FILES
constexpr uint32_t kClThread = 1u << 13;        // PPM_CL_CLONE_THREAD
constexpr uint32_t kClInverted = 1u << 16;      // PPM_CL_CLONE_INVERTED (our marker: child side came first)
constexpr uint32_t kExeWritable = 1, kExeUpperLayer = 2, kExeFromMemfd = 4, kExeLowerLayer = 8;
constexpr uint64_t kCloneStaleNs = 2'000'000'000ull;  // an entry older than this is a reused tid

void set_string(ParamView p, std::string& out) {
  if (!p.empty()) out.assign(p.as_string());
}

// Fields every clone/fork/execve exit event carries about the process it runs in.
void apply_process_snapshot(const EventContext& ctx, ThreadState& t) {
  set_string(ctx.param("exe"), t.exe);
  if (ParamView p = ctx.param("args"); !p.empty() || ctx.event().param_index("args") >= 0) split_nul_list(p, t.args);
  if (ParamView p = ctx.param("comm"); !p.empty()) {
    t.comm.assign(p.as_string());
  } else if (t.comm.empty()) {
    t.comm = t.exe;
  }
  if (ParamView p = ctx.param("fdlimit"); !p.empty()) t.fdlimit = p.as_u64();
  if (ParamView p = ctx.param("pgft_maj"); !p.empty()) t.pfmajor = p.as_u64();
  if (ParamView p = ctx.param("pgft_min"); !p.empty()) t.pfminor = p.as_u64();
  if (ParamView p = ctx.param("vm_size"); !p.empty()) t.vmsize_kb = p.as_u32();
  if (ParamView p = ctx.param("vm_rss"); !p.empty()) t.vmrss_kb = p.as_u32();
  if (ParamView p = ctx.param("vm_swap"); !p.empty()) t.vmswap_kb = p.as_u32();
  if (ParamView p = ctx.param("cgroups"); !p.empty()) {
    split_nul_list(p, t.cgroups);
    t.container = container_from_cgroups(t.cgroups, ctx.inspector().options().container_engines);
  }
}

void copy_process_fields(const ThreadState& from, ThreadState& to) {
  to.comm = from.comm;
  to.exe = from.exe;
  to.exepath = from.exepath;
  to.args = from.args;
  to.env = from.env;
  to.cgroups = from.cgroups;
  to.root = from.root;
  to.fdlimit = from.fdlimit;
  to.uid = from.uid;
  to.gid = from.gid;
  to.loginuid = from.loginuid;
  to.tty = from.tty;
  to.sid = from.sid;
  to.vpgid = from.vpgid;
  to.pgid = from.pgid;
  to.cap_inheritable = from.cap_inheritable;
  to.cap_permitted = from.cap_permitted;
  to.cap_effective = from.cap_effective;
  to.exe_ino = from.exe_ino;
  to.exe_ino_ctime = from.exe_ino_ctime;
  to.exe_ino_mtime = from.exe_ino_mtime;
  to.exe_writable = from.exe_writable;
  to.exe_upper_layer = from.exe_upper_layer;
  to.exe_lower_layer = from.exe_lower_layer;
  to.exe_from_memfd = from.exe_from_memfd;
  to.pidns_init_start_ts = from.pidns_init_start_ts;
  to.container = from.container;
}

// A child process gets a copy of its parent's fds and cwd; a thread (or CLONE_FILES) shares them.
void attach_files(const ThreadState* source, ThreadState& child, bool share) {
  if (!source) return;
  if (share) {
    child.files = source->files;
  } else {
    auto files = std::make_shared<ProcessFiles>(*source->files);
    child.files = std::move(files);
  }
}

}  // namespace

void split_nul_list(ParamView p, std::vector<std::string>& out) {
  out.clear();
  const char* s = reinterpret_cast<const char*>(p.data());
  size_t n = p.size();
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '\0') {
      out.emplace_back(s + start, i - start);
      start = i + 1;
    }
  }
  if (start < n) out.emplace_back(s + start, n - start);
}

void Inspector::Impl::on_clone(const EventContext& ctx, ThreadState* caller) {
  const capture::EventView& ev = ctx.event();
  const int64_t res = ctx.param("res").as_i64();
  if (res < 0) return;
  const uint32_t flags = ctx.param("flags").as_u32();
  const uint64_t ts = ev.ts();
  const bool is_thread = (flags & kClThread) != 0;

  if (res == 0) {
    // Child side: `caller` is the child itself (created on sight if needed).
    ThreadState* child = caller;
    if (child->clone_ts != 0 && ts - child->clone_ts < kCloneStaleNs && child->pid >= 0) {
      // The parent side already built it; only the child knows its namespace ids.
      if (ParamView p = ctx.param("vtid"); !p.empty()) child->vtid = p.as_i64();
      if (ParamView p = ctx.param("vpid"); !p.empty()) child->vpid = p.as_i64();
      return;
    }
    if (child->placeholder) {
      child->placeholder = false;
      child->comm.clear();
      child->exe.clear();
    }
    child->pid = ctx.param("pid").as_i64();
    child->ptid = ctx.param("ptid").as_i64();
    child->flags = flags | kClInverted;
    child->clone_ts = ts;
    child->dead = false;
    const int64_t lookup = is_thread ? child->pid : child->ptid;
    const ThreadState* source = lookup != child->tid ? threads.find(lookup) : nullptr;
    if (source) {
      copy_process_fields(*source, *child);
      attach_files(source, *child, is_thread || (flags & kClFiles));
    }
    apply_process_snapshot(ctx, *child);
    child->vtid = ctx.param("vtid").empty() ? child->tid : ctx.param("vtid").as_i64();
    child->vpid = ctx.param("vpid").empty() ? -1 : ctx.param("vpid").as_i64();
    if (ParamView p = ctx.param("uid"); !p.empty()) child->uid = p.as_u32();
    if (ParamView p = ctx.param("gid"); !p.empty()) child->gid = p.as_u32();
    return;
  }

  // Parent side: `caller` made child `res`. It carries the caller's own snapshot too.
  if (caller->placeholder) {
    caller->placeholder = false;
    caller->comm.clear();
    caller->pid = ctx.param("pid").as_i64();
    caller->ptid = ctx.param("ptid").as_i64();
    apply_process_snapshot(ctx, *caller);
  }
  ThreadState* existing = threads.find(res);
  if (existing) {
    if (existing->flags & kClInverted) return;  // the child side already came
    if (existing->clone_ts != 0 && ts - existing->clone_ts < kCloneStaleNs) return;
    // An old entry with this tid: its exit was lost and the tid was reused.
    ++stats.pid_reuse;
    remove_thread(res);
  }
  bool created;
  ThreadState* child = threads.find_or_create(res, created);
  if (!child) {
    ++stats.threads_refused;
    return;
  }
  ++stats.threads_created;
  caller = threads.find(ev.tid());  // rehashing may have moved nothing, but stay safe
  if (!caller) return;
  copy_process_fields(*caller, *child);
  child->flags = flags;
  child->clone_ts = ts;
  if (is_thread) {
    child->pid = caller->pid;
    child->ptid = caller->ptid;
  } else {
    child->pid = res;
    child->ptid = caller->tid;
  }
  child->vtid = child->tid;
  child->vpid = child->pid;
  attach_files(caller, *child, is_thread || (flags & kClFiles));
  apply_process_snapshot(ctx, *child);
  if (ParamView p = ctx.param("uid"); !p.empty()) child->uid = p.as_u32();
  if (ParamView p = ctx.param("gid"); !p.empty()) child->gid = p.as_u32();
}

void Inspector::Impl::on_execve(const EventContext& ctx, ThreadState* t) {
  if (ctx.param("res").as_i64() < 0) return;
  // A successful exec: the snapshot describes the new program.
  t->placeholder = false;
  t->comm.clear();
  apply_process_snapshot(ctx, *t);
  if (ParamView p = ctx.param("pid"); !p.empty()) t->pid = p.as_i64();
  if (ParamView p = ctx.param("ptid"); !p.empty()) t->ptid = p.as_i64();
  if (ParamView p = ctx.param("env"); !p.empty()) split_nul_list(p, t->env);
  if (ParamView p = ctx.param("tty"); !p.empty()) t->tty = p.as_u32();
  if (ParamView p = ctx.param("vpgid"); !p.empty()) t->vpgid = p.as_i64();
  if (ParamView p = ctx.param("pgid"); !p.empty()) t->pgid = p.as_i64();
  if (ParamView p = ctx.param("loginuid"); !p.empty()) t->loginuid = p.as_u32();
  if (ParamView p = ctx.param("flags"); !p.empty()) {
    const uint32_t f = p.as_u32();
    t->exe_writable = f & kExeWritable;
    t->exe_upper_layer = f & kExeUpperLayer;
    t->exe_from_memfd = f & kExeFromMemfd;
    t->exe_lower_layer = f & kExeLowerLayer;
  }
  if (ParamView p = ctx.param("cap_inheritable"); !p.empty()) t->cap_inheritable = p.as_u64();
  if (ParamView p = ctx.param("cap_permitted"); !p.empty()) t->cap_permitted = p.as_u64();
  if (ParamView p = ctx.param("cap_effective"); !p.empty()) t->cap_effective = p.as_u64();
  if (ParamView p = ctx.param("exe_ino"); !p.empty()) t->exe_ino = p.as_u64();
  if (ParamView p = ctx.param("exe_ino_ctime"); !p.empty()) t->exe_ino_ctime = p.as_u64();
  if (ParamView p = ctx.param("exe_ino_mtime"); !p.empty()) t->exe_ino_mtime = p.as_u64();
  if (ParamView p = ctx.param("uid"); !p.empty()) t->uid = p.as_u32();
  if (ParamView p = ctx.param("gid"); !p.empty()) t->gid = p.as_u32();
  // The executable's path: the kernel's trusted path, else the filename resolved against cwd.
  if (ParamView p = ctx.param("trusted_exepath"); !p.empty() && !p.is_null_string()) {
    t->exepath.assign(p.as_string());
  } else if (ParamView f = ctx.param("filename"); !f.empty() && !f.is_null_string()) {
    resolve_path(t->files->cwd, f.as_string(), t->exepath);
  } else if (!t->exe.empty() && t->exe.front() == '/') {
    t->exepath = t->exe;
  } else if (!t->exe.empty()) {
    resolve_path(t->files->cwd, t->exe, t->exepath);
  }
  // exec closes the close-on-exec fds.
  std::vector<int64_t> to_close;
  t->files->fds.for_each([&](const FdState& fd) {
    if (fd.cloexec) to_close.push_back(fd.fd);
  });
  for (int64_t fd : to_close) fds_to_close.push_back({t->files, fd});
}

void Inspector::Impl::on_procexit(const EventContext&, ThreadState* t) {
  if (t->dead) {
    ++stats.malformed_events;  // a second exit for the same thread
  }
  t->dead = true;
  if (tid_to_remove >= 0 && tid_to_remove != t->tid) remove_thread(tid_to_remove);
  tid_to_remove = t->tid;
}

void Inspector::Impl::on_ids(const EventContext& ctx, ThreadState* t, detail::StateAction action) {
  using detail::StateAction;
  const int64_t res = ctx.param("res").as_i64();
  if (res < 0) return;
  auto effective = [&](std::initializer_list<std::string_view> names, uint32_t& out) {
    for (auto name : names) {
      ParamView p = ctx.param(name);
      if (p.empty()) continue;
      const uint32_t v = p.as_u32();
      if (v != 0xFFFFFFFFu) out = v;
      return;
    }
  };
  switch (action) {
    case StateAction::SetUid:
      if (res == 0) effective({"euid", "uid"}, t->uid);
      break;
    case StateAction::SetGid:
      if (res == 0) effective({"egid", "gid"}, t->gid);
      break;
    case StateAction::SetSid:
      t->sid = res;
      break;
    case StateAction::SetPgid: {
      const int64_t pid = ctx.param("pid").as_i64();
      int64_t pgid = ctx.param("pgid").as_i64();
      if (res != 0 || (pid != 0 && pid != t->pid)) break;
      if (pgid == 0) pgid = t->pid;
      t->vpgid = pgid;
      break;
    }
    case StateAction::Prctl: {
      constexpr uint64_t kPrSetName = 15;
      if (ctx.param("option").as_u64() == kPrSetName) {
        if (ParamView p = ctx.param("arg2_str"); !p.empty() && !p.is_null_string()) t->comm.assign(p.as_string());
      }
      break;
    }
    case StateAction::Capset:
      if (res != 0) break;
      if (ParamView p = ctx.param("cap_inheritable"); !p.empty()) t->cap_inheritable = p.as_u64();
      if (ParamView p = ctx.param("cap_permitted"); !p.empty()) t->cap_permitted = p.as_u64();
      if (ParamView p = ctx.param("cap_effective"); !p.empty()) t->cap_effective = p.as_u64();
      break;
    default:
      break;
  }
}

void Inspector::Impl::on_cwd(const EventContext& ctx, ThreadState* t, detail::StateAction action) {
  using detail::StateAction;
  if (ctx.param("res").as_i64() < 0) return;
  std::string& cwd = t->files->cwd;
  switch (action) {
    case StateAction::Chdir: {
      ParamView p = ctx.param("path");
      if (p.empty() || p.is_null_string()) break;
      std::string resolved;
      resolve_path(cwd, p.as_string(), resolved);
      cwd = std::move(resolved);
      if (cwd.empty() || cwd.back() != '/') cwd += '/';
      break;
    }
    case StateAction::Fchdir: {
      const FdState* fd = t->files->fds.find(ctx.fd_num());
      if (!fd || fd->name.empty()) break;
      cwd = fd->name;
      if (cwd.back() != '/') cwd += '/';
      break;
    }
    case StateAction::Chroot: {
      ParamView p = ctx.param("path");
      if (!p.empty() && !p.is_null_string()) resolve_path(cwd, p.as_string(), t->root);
      break;
    }
    default:
      break;
  }
}

}  // namespace vigil::inspect
