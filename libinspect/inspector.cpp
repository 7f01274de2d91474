#include "vigil/inspect/inspector.h"

#include <cstring>

#include "state/inspector_impl.h"

namespace vigil::inspect {

using capture::Direction;
using capture::EventView;
using capture::ParamView;

capture::ParamView EventContext::param(std::string_view name) const {
  ParamView p = event_.param(name);
  if (p.empty() && enter_.valid()) p = enter_.param(name);
  return p;
}

const std::tm& EventContext::calendar_time(int64_t secs, bool utc) const {
  const int i = utc ? 1 : 0;
  if (tm_secs_[i] != secs) {
    const time_t t = static_cast<time_t>(secs);
    if (utc) {
      gmtime_r(&t, &tm_[i]);
    } else {
      localtime_r(&t, &tm_[i]);
    }
    tm_secs_[i] = secs;
  }
  return tm_[i];
}

Inspector::Inspector(InspectorOptions options) : impl_(std::make_unique<Impl>(options)) {
  impl_->registry = make_syscall_field_registry();
  impl_->actions = &detail::event_actions();
  ctx_.inspector_ = this;
}

Inspector::~Inspector() = default;

const ThreadTable& Inspector::threads() const { return impl_->threads; }
const UserTable& Inspector::users() const { return impl_->users; }
const capture::MachineInfo* Inspector::machine() const { return impl_->machine ? &*impl_->machine : nullptr; }
const InspectorStats& Inspector::stats() const { return impl_->stats; }
const FieldRegistry& Inspector::fields() const { return *impl_->registry; }
const std::vector<capture::InterfaceInfo>& Inspector::interfaces() const { return impl_->interfaces; }
const ContainerMetadata& Inspector::container(const ContainerMatch& match) const {
  auto it = impl_->containers.find(match.id);
  if (it == impl_->containers.end()) it = impl_->containers.emplace(match.id, impl_->container_provider().lookup(match)).first;
  return it->second;
}

void Inspector::Impl::on_container_event(const capture::EventView& ev) {
  // The JSON parameter of container events (the legacy 4-field layout is not parsed).
  for (uint32_t i = 0; i < ev.nparams(); ++i) {
    if (!ev.info() || i >= ev.info()->params.size() || ev.info()->params[i].name != "json") continue;
    auto meta = container_metadata_from_json(ev.param(i).as_string());
    if (!meta.ok()) {
      ++stats.malformed_events;
      return;
    }
    containers.erase(meta->id);
    container_table.put(std::move(meta.value()));
    return;
  }
}

const InspectorOptions& Inspector::options() const { return impl_->options; }
const capture::ParamResolver& Inspector::param_resolver() const { return impl_->resolver; }

namespace {

void append_ip(const std::array<uint8_t, 16>& a, bool v6, std::string& out) {
  char buf[64];
  if (!v6) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    out += buf;
    return;
  }
  // Compressed IPv6 text, longest zero run replaced by "::".
  uint16_t w[8];
  for (int i = 0; i < 8; ++i) w[i] = static_cast<uint16_t>((a[2 * i] << 8) | a[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (w[i] != 0) { ++i; continue; }
    int j = i;
    while (j < 8 && w[j] == 0) ++j;
    if (j - i > best_len && j - i > 1) { best = i; best_len = j - i; }
    i = j;
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':' && i != 0) out += ':';
    std::snprintf(buf, sizeof buf, "%x", w[i]);
    out += buf;
  }
}

}  // namespace

void format_endpoint(const std::array<uint8_t, 16>& ip, bool v6, uint16_t port, std::string& out) {
  append_ip(ip, v6, out);
  out += ':';
  out += std::to_string(port);
}

void format_socket_name(const FdState& fd, std::string& out) {
  out.clear();
  const bool v6 = fd.is_ipv6();
  format_endpoint(fd.sip, v6, fd.sport, out);
  out += "->";
  format_endpoint(fd.dip, v6, fd.dport, out);
}

bool Inspector::live() const { return impl_->live; }

Status Inspector::watch_hostname(std::string_view name) { return impl_->hostnames.watch(name, impl_->stats); }

Status Inspector::watch_path(std::string_view path) {
  switch (impl_->pinned.add(path)) {
    case detail::PinnedPaths::AddResult::Added:
    case detail::PinnedPaths::AddResult::Known: return {};
    case detail::PinnedPaths::AddResult::NotAbsolute:
      return Error{"cannot watch path " + std::string(path) + ": not absolute"};
    case detail::PinnedPaths::AddResult::Full: break;
  }
  ++impl_->stats.watched_paths_refused;
  return Error{"cannot watch path " + std::string(path) + ": " + std::to_string(impl_->pinned.capacity()) +
               " paths are watched already (InspectorOptions::max_watched_paths)"};
}

void Inspector::clear_watched_paths() { impl_->pinned.clear(); }

size_t Inspector::host_names(const std::array<uint8_t, 16>& ip, bool v6, FieldValues& out) const {
  return impl_->hostnames.names_of(ip, v6, out, impl_->stats);
}

Status Inspector::seed(const capture::CaptureMetadata& meta, StateOrigin origin) {
  Impl& s = *impl_;
  s.live = origin == StateOrigin::LiveHost;
  if (s.live) s.pinned.start(0);  // the watched paths are resolved from now on
  s.threads.clear();
  s.enter_events.clear();
  s.fds_to_close.clear();
  s.tid_to_remove = -1;
  s.containers.clear();
  s.last_switch_ts.clear();
  s.users.seed(meta);
  s.machine = meta.machine;
  s.interfaces = meta.interfaces;
  for (const auto& ti : meta.threads) {
    bool created;
    ThreadState* t = s.threads.find_or_create(ti.tid, created);
    if (!t) {
      ++s.stats.threads_refused;
      continue;
    }
    t->pid = ti.pid;
    t->ptid = ti.ptid;
    t->sid = ti.sid;
    t->vpgid = ti.vpgid;
    t->pgid = ti.pgid;
    t->vtid = ti.vtid;
    t->vpid = ti.vpid;
    t->comm = ti.comm;
    t->exe = ti.exe;
    t->exepath = ti.exepath;
    t->args = ti.args;
    t->env = ti.env;
    t->cgroups = ti.cgroups;
    t->root = ti.root.empty() ? "/" : ti.root;
    t->fdlimit = ti.fdlimit;
    t->flags = ti.flags;
    t->uid = ti.uid;
    t->gid = ti.gid;
    t->loginuid = ti.loginuid;
    t->tty = ti.tty;
    t->vmsize_kb = ti.vmsize_kb;
    t->vmrss_kb = ti.vmrss_kb;
    t->vmswap_kb = ti.vmswap_kb;
    t->pfmajor = ti.pfmajor;
    t->pfminor = ti.pfminor;
    t->cap_inheritable = ti.cap_inheritable;
    t->cap_permitted = ti.cap_permitted;
    t->cap_effective = ti.cap_effective;
    t->exe_ino = ti.exe_ino;
    t->exe_ino_ctime = ti.exe_ino_ctime;
    t->exe_ino_mtime = ti.exe_ino_mtime;
    t->exe_writable = ti.exe_writable;
    t->exe_upper_layer = ti.exe_upper_layer;
    t->exe_lower_layer = ti.exe_lower_layer;
    t->exe_from_memfd = ti.exe_from_memfd;
    t->pidns_init_start_ts = ti.pidns_init_start_ts;
    t->container = container_from_cgroups(t->cgroups, s.options.container_engines);
    t->files->cwd = ti.cwd;
    if (t->files->cwd.empty() || t->files->cwd.back() != '/') t->files->cwd += '/';
    if (created) ++s.stats.threads_created;
  }
  // Threads share their process's files: point every non-leader at its leader's.
  std::vector<std::pair<ThreadState*, int64_t>> followers;
  for (const auto& ti : meta.threads) {
    if (ti.tid != ti.pid) followers.emplace_back(s.threads.find(ti.tid), ti.pid);
  }
  for (auto& [t, pid] : followers) {
    if (!t) continue;
    if (ThreadState* main = s.threads.find(pid)) t->files = main->files;
  }
  for (const auto& list : meta.fd_lists) {
    ThreadState* t = s.threads.find(list.tid);
    if (!t) {
      ++s.stats.malformed_events;
      continue;
    }
    for (const auto& fi : list.fds) {
      FdState* fd = t->files->fds.open(fi.fd, s.options.max_fds_per_process);
      if (!fd) {
        ++s.stats.fds_refused;
        continue;
      }
      fd->type = fi.type;
      fd->name = fi.name;
      fd->open_flags = fi.open_flags;
      fd->dev = fi.dev.value_or(0);
      fd->ino = fi.ino;
      fd->cloexec = (fi.open_flags & 4096u) != 0;  // PPM_O_CLOEXEC
      fd->sip = fi.sip;
      fd->dip = fi.dip;
      fd->sport = fi.sport;
      fd->dport = fi.dport;
      fd->l4proto = static_cast<L4Proto>(fi.l4proto);
      fd->unix_src = fi.unix_src;
      fd->unix_dst = fi.unix_dst;
      using capture::FdType;
      switch (fi.type) {
        case FdType::Ipv4Sock: case FdType::Ipv4ServSock:
          fd->family = capture::kAfInet;
          break;
        case FdType::Ipv6Sock: case FdType::Ipv6ServSock:
          fd->family = capture::kAfInet6;
          break;
        case FdType::UnixSock:
          fd->family = capture::kAfUnix;
          break;
        default:
          break;
      }
      if (fi.type == FdType::Ipv4ServSock || fi.type == FdType::Ipv6ServSock) fd->role = FdState::Role::Server;
      if ((fi.type == FdType::Ipv4Sock || fi.type == FdType::Ipv6Sock) && fd->name.empty())
        format_socket_name(*fd, fd->name);
    }
  }
  return {};
}

void Inspector::Impl::remove_thread(int64_t tid) {
  if (threads.erase(tid)) ++stats.threads_removed;
  enter_events.erase(tid);
}

void Inspector::Impl::apply_deferred() {
  for (auto& pending : fds_to_close) pending.files->fds.close(pending.fd);
  fds_to_close.clear();
  if (tid_to_remove >= 0) {
    remove_thread(tid_to_remove);
    tid_to_remove = -1;
  }
}

void Inspector::Impl::remember_enter(const EventView& ev) {
  if (!threads.find(ev.tid())) return;  // bounded by the thread table
  EnterEventCopy& copy = enter_events[ev.tid()];
  const uint32_t len = ev.len();
  if (len > options.max_enter_event_bytes) {
    copy.valid = false;
    ++stats.enter_events_not_kept;
    return;
  }
  copy.bytes.assign(ev.record().begin(), ev.record().end());
  const uint32_t n = ev.nparams();
  copy.offsets.resize(n + 1);
  const uint8_t* base = ev.record().data();
  uint32_t end = 0;
  for (uint32_t i = 0; i < n; ++i) {
    ParamView p = ev.param(i);
    copy.offsets[i] = p.data() ? static_cast<uint32_t>(p.data() - base) : end;
    end = copy.offsets[i] + p.size();
  }
  copy.offsets[n] = n ? end : EventView::kHeaderSize;
  copy.cpu = ev.cpu();
  copy.num = ev.num();
  copy.valid = true;
}

ThreadState* Inspector::Impl::thread_for(const EventView& ev) {
  const int64_t tid = ev.tid();
  if (ThreadState* t = threads.find(tid)) return t;
  if (tid < 0) return nullptr;
  bool created;
  ThreadState* t = threads.find_or_create(tid, created);
  if (!t) {
    ++stats.threads_refused;
    return nullptr;
  }
  ++stats.threads_created;
  t->placeholder = true;
  t->pid = tid;
  t->comm = "<NA>";
  t->exe = "<NA>";
  t->files->cwd.clear();
  return t;
}

const EventContext& Inspector::process(const EventView& ev) {
  Impl& s = *impl_;
  s.apply_deferred();
  s.hostnames.refresh(s.stats);
  ++s.stats.events;
  const uint64_t ts = ev.ts();
  EventContext& ctx = ctx_;
  // evt.reltime and evt.deltatime measure between events a consumer sees: internal and
  // state-only events do not count.
  const bool internal = (ev.info() && (ev.info()->category & capture::kCatInternal)) ||
                        (ev.dump_flags() & capture::kDumpStateOnly);
  if (s.first_ts == 0) s.first_ts = ts;
  ctx.event_ = ev;
  ctx.enter_ = EventView();
  ctx.first_ts_ = s.first_ts ? s.first_ts : ts;
  ctx.prev_ts_ = s.prev_ts ? s.prev_ts : ts;
  ctx.fd_ = nullptr;
  ctx.fd_num_ = -1;
  ctx.exectime_ = 0;
  if (!internal) s.prev_ts = ts;

  static const detail::EventAction kNoAction{};
  const detail::EventAction& action = ev.type() < s.actions->size() ? (*s.actions)[ev.type()] : kNoAction;
  const bool is_exit = ev.direction() == Direction::Exit;

  // A thread nobody told us about: a clone child announcing itself is expected, anything else is
  // counted. procexit of an unknown thread is not worth a new entry.
  ThreadState* t = s.threads.find(ev.tid());
  if (!t) {
    if (action.action == detail::StateAction::ProcExit) {
      ++s.stats.orphan_exits;
    } else if (ev.info() && (ev.info()->has(capture::kSkipParseReset) || ev.info()->name == "switch" ||
                             ev.info()->name == "container")) {
      // Scheduler and similar events name a thread without being its activity: no new entry.
    } else {
      const bool clone_child = action.action == detail::StateAction::Clone && ev.param(0).as_i64() == 0;
      if (!clone_child) ++s.stats.unknown_thread_events;
      t = s.thread_for(ev);
    }
  }

  if (is_exit && t) {
    auto it = s.enter_events.find(ev.tid());
    if (it != s.enter_events.end() && it->second.valid) {
      const capture::EventInfo* enter_info = ev.info() ? capture::EventSchema::newest().find(ev.type() - 1) : nullptr;
      capture::EventView enter = it->second.view(enter_info);
      if (enter.type() + 1 == ev.type()) ctx.enter_ = enter;
      it->second.valid = false;
    }
  }

  // The fd this event works on, tracked per thread like libsinsp's "last event fd": set by an
  // enter event that uses an fd, by an exit event that names it, or by the fd a call created.
  // Which events count follows the table the events are displayed with.
  const capture::EventSchema* shown_schema = capture::display_schema(ev, s.options.display);
  const uint32_t fd_flags = shown_schema ? (*shown_schema)[ev.type()].flags &
                                               (capture::kCreatesFd | capture::kUsesFd | capture::kDestroysFd)
                                         : 0;
  bool creates = false;
  if (t) {
    if (!is_exit) {
      t->lastevent_fd = -1;
      if ((fd_flags & capture::kUsesFd) && ev.nparams() > 0) t->lastevent_fd = ev.param(0).as_i64();
    } else if (action.fd_param >= 0 && !action.fd_is_result) {
      ParamView p = ev.param(static_cast<uint32_t>(action.fd_param));
      if (!p.empty()) t->lastevent_fd = p.as_i64();
    }
    if (is_exit && action.fd_is_result) {
      // The created fd (or an error) is the result; the update code opens it.
      ParamView p = ev.param(static_cast<uint32_t>(action.fd_param));
      ctx.fd_num_ = p.empty() ? -1 : p.as_i64();
      creates = true;
    } else {
      ctx.fd_num_ = t->lastevent_fd;
    }
  }

  if (action.action == detail::StateAction::Switch) s.on_switch(ctx, t);
  if (action.action == detail::StateAction::ProcInfo && t) s.on_procinfo(ctx, t);
  if (ev.info() && ev.info()->name == "container") s.on_container_event(ev);
  ctx.thread_ = t;
  if (t) {
    s.update(ctx, t, action);
    s.update_memory(ctx, t);
  }
  // The update may have replaced the thread (clone child, pid reuse): look it up again.
  t = s.threads.find(ev.tid());
  ctx.thread_ = t;
  ctx.fd_num_ = -1;
  if (t) {
    if (creates && fd_flags) {
      int64_t created = -1;
      if (ParamView p = ev.param(static_cast<uint32_t>(action.fd_param)); !p.empty()) created = p.as_i64();
      if (created >= 0) t->lastevent_fd = created;
    }
    if (fd_flags) {
      ctx.fd_num_ = t->lastevent_fd;
      ctx.fd_ = t->files->fds.find(ctx.fd_num_);
      if (!ctx.fd_ && ctx.fd_num_ >= 0) ++s.stats.unknown_fd_events;
    }
  }
  ctx.has_fd_ = fd_flags != 0;
  if (!is_exit && t && (ev.info() == nullptr || (ev.info()->category & capture::kCatSyscall))) s.remember_enter(ev);
  return ctx;
}

void Inspector::Impl::update_memory(const EventContext& ctx, ThreadState* t) {
  // brk/mmap/munmap exits, context switches and process snapshots report the memory of the
  // thread that ran; everything else has no such parameters.
  const capture::EventInfo* info = ctx.event().info();
  if (!info || info->params.size() < 3 || !ctx.event().info()) return;
  const int vm_size = ctx.event().param_index("vm_size");
  if (vm_size < 0 || static_cast<uint32_t>(vm_size) >= ctx.event().nparams()) return;
  ThreadState* target = t;  // for a context switch: the thread switched away from
  target->vmsize_kb = ctx.event().param(static_cast<uint32_t>(vm_size)).as_u32();
  if (ParamView p = ctx.event().param("vm_rss"); !p.empty()) target->vmrss_kb = p.as_u32();
  if (ParamView p = ctx.event().param("vm_swap"); !p.empty()) target->vmswap_kb = p.as_u32();
  if (ParamView p = ctx.event().param("pgft_maj"); !p.empty()) target->pfmajor = p.as_u64();
  if (ParamView p = ctx.event().param("pgft_min"); !p.empty()) target->pfminor = p.as_u64();
}

void Inspector::Impl::update(EventContext& ctx, ThreadState* t, const detail::EventAction& action) {
  using detail::StateAction;
  switch (action.action) {
    case StateAction::None:
      return;
    case StateAction::Clone:
      on_clone(ctx, t);
      return;
    case StateAction::Execve:
      on_execve(ctx, t);
      return;
    case StateAction::ProcExit:
      on_procexit(ctx, t);
      return;
    case StateAction::Chdir:
    case StateAction::Fchdir:
    case StateAction::Chroot:
      on_cwd(ctx, t, action.action);
      return;
    case StateAction::SetUid:
    case StateAction::SetGid:
    case StateAction::SetSid:
    case StateAction::SetPgid:
    case StateAction::Prctl:
    case StateAction::Capset:
      on_ids(ctx, t, action.action);
      return;
    default:
      on_fd_event(ctx, t, action);
      return;
  }
}

}  // namespace vigil::inspect
