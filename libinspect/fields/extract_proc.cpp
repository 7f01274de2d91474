// proc.* and thread.* fields.
#include "fields/extract_util.h"
#include "fields/names.h"

namespace vigil::inspect::detail {

namespace {

bool is_shell(std::string_view comm) {
  static constexpr std::string_view kShells[] = {"ash", "bash", "csh", "ksh", "sh", "tcsh", "zsh", "dash", "fish"};
  for (auto s : kShells)
    if (comm == s) return true;
  return false;
}

std::string_view cmdline(const EventContext& ctx, const ThreadState& t, bool with_exe) {
  std::string& s = ctx.scratch();
  s = with_exe ? t.exe : t.comm;
  // proc.exeline always separates the exe from its (possibly empty) arguments.
  if (with_exe && t.args.empty()) s += ' ';
  for (const auto& a : t.args) {
    s += ' ';
    s += a;
  }
  return s;
}

std::string_view caps_text(const EventContext& ctx, uint64_t caps) {
  std::string& s = ctx.scratch();
  s.clear();
  for (unsigned bit = 0; bit < 64; ++bit) {
    if (!(caps & (1ull << bit))) continue;
    std::string_view name = capability_name(bit);
    if (name.empty()) continue;
    if (!s.empty()) s += ' ';
    s += name;
  }
  return s;
}

std::string_view env_value(const ThreadState& t, std::string_view key) {
  for (const auto& e : t.env) {
    if (e.size() > key.size() && e[key.size()] == '=' && std::string_view(e).starts_with(key))
      return std::string_view(e).substr(key.size() + 1);
  }
  return {};
}

// Values of `get` for the ancestors of `t`: one level when an argument is given, else all of them
// (parent first). `self_level_zero` makes level 0 the process itself.
template <typename Get>
bool ancestors(const EventContext& ctx, const FieldArg& arg, const ThreadState& t, Get get) {
  const ThreadTable& table = ctx.inspector().threads();
  if (arg.present) {
    const ThreadState* a = table.ancestor(t, static_cast<size_t>(arg.number));
    if (!a) return false;
    return get(*a);
  }
  bool any = false;
  for (size_t level = 1; level <= 64; ++level) {
    const ThreadState* a = table.ancestor(t, level);
    if (!a) break;
    any |= get(*a);
  }
  return any;
}

bool std_fd(const ThreadState& t, int64_t num, bool name, FieldValues& out) {
  const FdState* fd = t.files->fds.find(num);
  if (!fd) return false;
  return put_str(out, name ? std::string_view(fd->name) : fd->type_name());
}

}  // namespace

bool extract_proc(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out) {
  if (id == FieldId::kThreadTid) return put_i64(out, ctx.event().tid());
  // A context switch's slice belongs to the CPU, known whether or not the thread is.
  if (id == FieldId::kThreadExectime) return put_u64(out, ctx.exectime(), FieldType::RelTime);
  const ThreadState* tp = ctx.thread();
  if (!tp) return false;
  const ThreadState& t = *tp;
  const ThreadTable& table = ctx.inspector().threads();
  const ThreadState& main = *table.main_thread(t);
  const ThreadState* parent = table.ancestor(t, 1);
  const uint64_t ts = ctx.event().ts();
  switch (id) {
    case FieldId::kProcExe: return put_str(out, t.exe);
    case FieldId::kProcPexe: return parent && put_str(out, parent->exe);
    case FieldId::kProcAexe: return ancestors(ctx, arg, t, [&](const ThreadState& a) { return put_str(out, a.exe); });
    case FieldId::kProcExepath: return put_str(out, t.exepath);
    case FieldId::kProcPexepath: return parent && put_str(out, parent->exepath);
    case FieldId::kProcAexepath:
      return ancestors(ctx, arg, t, [&](const ThreadState& a) { return put_str(out, a.exepath); });
    case FieldId::kProcName: return put_str(out, t.comm);
    case FieldId::kProcPname: return parent && put_str(out, parent->comm);
    case FieldId::kProcAname: return ancestors(ctx, arg, t, [&](const ThreadState& a) { return put_str(out, a.comm); });
    case FieldId::kProcArgs:
      if (arg.present) {
        if (static_cast<size_t>(arg.number) >= t.args.size()) return false;
        return put_str(out, t.args[arg.number]);
      }
      return put_str(out, join(ctx, t.args, " "));
    case FieldId::kProcAargs:
      return ancestors(ctx, arg, t, [&](const ThreadState& a) { return put_str(out, join(ctx, a.args, " ")); });
    case FieldId::kProcCmdline: return put_str(out, cmdline(ctx, t, false));
    case FieldId::kProcPcmdline: return parent && put_str(out, cmdline(ctx, *parent, false));
    case FieldId::kProcAcmdline:
      return ancestors(ctx, arg, t, [&](const ThreadState& a) { return put_str(out, cmdline(ctx, a, false)); });
    case FieldId::kProcCmdnargs: return put_u64(out, t.args.size());
    case FieldId::kProcCmdlenargs: {
      uint64_t n = 0;
      for (const auto& a : t.args) n += a.size();
      return put_u64(out, n);
    }
    case FieldId::kProcExeline: return put_str(out, cmdline(ctx, t, true));
    case FieldId::kProcEnv:
      if (arg.present) {
        std::string_view v = env_value(main, arg.key);
        return !v.empty() && put_str(out, v);
      }
      return put_str(out, join(ctx, main.env, " "));
    case FieldId::kProcAenv: {
      if (arg.present && !arg.key.empty()) {
        // The variable from the nearest process that has it, self first.
        for (size_t level = 0; level <= 64; ++level) {
          const ThreadState* a = table.ancestor(t, level);
          if (!a) break;
          std::string_view v = env_value(*a, arg.key);
          if (!v.empty()) return put_str(out, v);
        }
        return false;
      }
      return ancestors(ctx, arg, t, [&](const ThreadState& a) { return put_str(out, join(ctx, a.env, " ")); });
    }
    case FieldId::kProcCwd: return put_str(out, t.files->cwd);
    case FieldId::kProcLoginshellid: {
      int64_t shell = -1;
      for (size_t level = 0; level <= 64; ++level) {
        const ThreadState* a = table.ancestor(t, level);
        if (!a) break;
        if (is_shell(a->comm)) shell = a->pid;
      }
      return shell >= 0 && put_i64(out, shell);
    }
    case FieldId::kProcTty: return put_u64(out, t.tty, FieldType::Uint32);
    case FieldId::kProcPid: return put_i64(out, t.pid);
    case FieldId::kProcPpid: return put_i64(out, main.ptid);
    case FieldId::kProcApid:
      return ancestors(ctx, arg, t, [&](const ThreadState& a) { return put_i64(out, a.pid); });
    case FieldId::kProcVpid: return t.vpid >= 0 && put_i64(out, t.vpid);
    case FieldId::kProcPvpid: return parent && put_i64(out, parent->vpid >= 0 ? parent->vpid : parent->pid);
    case FieldId::kProcSid: return put_i64(out, t.sid);
    case FieldId::kProcSname:
    case FieldId::kProcSidExe:
    case FieldId::kProcSidExepath: {
      // The session leader: the farthest ancestor still in our session.
      const ThreadState* leader = nullptr;
      for (size_t level = 0; level <= 64; ++level) {
        const ThreadState* a = table.ancestor(t, level);
        if (!a || a->sid != t.sid) break;
        leader = a;
      }
      if (!leader) return false;
      if (id == FieldId::kProcSname) return put_str(out, leader->comm);
      return put_str(out, id == FieldId::kProcSidExe ? std::string_view(leader->exe) : std::string_view(leader->exepath));
    }
    case FieldId::kProcVpgid: return t.vpgid >= 0 && put_i64(out, t.vpgid);
    case FieldId::kProcPgid: return t.pgid >= 0 && put_i64(out, t.pgid);
    case FieldId::kProcVpgidName:
    case FieldId::kProcVpgidExe:
    case FieldId::kProcVpgidExepath:
    case FieldId::kProcPgidName:
    case FieldId::kProcPgidExe:
    case FieldId::kProcPgidExepath: {
      const bool v = id == FieldId::kProcVpgidName || id == FieldId::kProcVpgidExe || id == FieldId::kProcVpgidExepath;
      const int64_t group = v ? t.vpgid : t.pgid;
      // The group leader: the farthest ancestor still in our group.
      const ThreadState* leader = nullptr;
      for (size_t level = 0; level <= 64; ++level) {
        const ThreadState* a = table.ancestor(t, level);
        if (!a || (v ? a->vpgid : a->pgid) != group) break;
        leader = a;
      }
      if (!leader || group < 0) return false;
      if (id == FieldId::kProcVpgidName || id == FieldId::kProcPgidName) return put_str(out, leader->comm);
      if (id == FieldId::kProcVpgidExe || id == FieldId::kProcPgidExe) return put_str(out, leader->exe);
      return put_str(out, leader->exepath);
    }
    case FieldId::kProcDuration:
      return main.clone_ts != 0 && put_u64(out, ts - main.clone_ts, FieldType::RelTime);
    case FieldId::kProcPpidDuration:
      return parent && parent->clone_ts != 0 && put_u64(out, ts - parent->clone_ts, FieldType::RelTime);
    case FieldId::kProcPidTs: return main.clone_ts != 0 && put_u64(out, main.clone_ts, FieldType::RelTime);
    case FieldId::kProcPpidTs: return parent && parent->clone_ts != 0 && put_u64(out, parent->clone_ts, FieldType::RelTime);
    case FieldId::kProcIsExeWritable: return put_bool(out, t.exe_writable);
    case FieldId::kProcIsExeUpperLayer: return put_bool(out, t.exe_upper_layer);
    case FieldId::kProcIsExeLowerLayer: return put_bool(out, t.exe_lower_layer);
    case FieldId::kProcIsExeFromMemfd: return put_bool(out, t.exe_from_memfd);
    case FieldId::kProcIsSidLeader: return put_bool(out, t.sid >= 0 && t.sid == (t.vpid >= 0 ? t.vpid : t.pid));
    case FieldId::kProcIsVpgidLeader: return put_bool(out, t.vpgid >= 0 && t.vpgid == (t.vpid >= 0 ? t.vpid : t.pid));
    case FieldId::kProcIsPgidLeader: return put_bool(out, t.pgid >= 0 && t.pgid == t.pid);
    case FieldId::kProcExeIno: return t.exe_ino != 0 && put_i64(out, static_cast<int64_t>(t.exe_ino));
    case FieldId::kProcExeInoCtime: return t.exe_ino_ctime != 0 && put_u64(out, t.exe_ino_ctime, FieldType::AbsTime);
    case FieldId::kProcExeInoMtime: return t.exe_ino_mtime != 0 && put_u64(out, t.exe_ino_mtime, FieldType::AbsTime);
    case FieldId::kProcExeInoCtimeDurationProcStart:
      return t.exe_ino_ctime != 0 && main.clone_ts != 0 && main.clone_ts >= t.exe_ino_ctime &&
             put_u64(out, main.clone_ts - t.exe_ino_ctime, FieldType::AbsTime);
    case FieldId::kProcExeInoCtimeDurationPidnsStart:
      return t.exe_ino_ctime != 0 && t.pidns_init_start_ts != 0 && t.exe_ino_ctime >= t.pidns_init_start_ts &&
             put_u64(out, t.exe_ino_ctime - t.pidns_init_start_ts, FieldType::AbsTime);
    case FieldId::kProcPidnsInitStartTs: return t.pidns_init_start_ts != 0 && put_u64(out, t.pidns_init_start_ts);
    case FieldId::kThreadCapPermitted: return put_str(out, caps_text(ctx, t.cap_permitted));
    case FieldId::kThreadCapInheritable: return put_str(out, caps_text(ctx, t.cap_inheritable));
    case FieldId::kThreadCapEffective: return put_str(out, caps_text(ctx, t.cap_effective));
    case FieldId::kProcFdopencount: return put_u64(out, t.files->fds.size());
    case FieldId::kProcFdlimit: return put_i64(out, static_cast<int64_t>(main.fdlimit));
    case FieldId::kProcFdusage:
      return main.fdlimit != 0 && put_double(out, 100.0 * t.files->fds.size() / main.fdlimit);
    case FieldId::kProcVmsize: return put_u64(out, main.vmsize_kb);
    case FieldId::kProcVmrss: return put_u64(out, main.vmrss_kb);
    case FieldId::kProcVmswap: return put_u64(out, main.vmswap_kb);
    case FieldId::kThreadPfmajor: return put_u64(out, t.pfmajor);
    case FieldId::kThreadPfminor: return put_u64(out, t.pfminor);
    case FieldId::kThreadTid: return put_i64(out, t.tid);
    case FieldId::kThreadIsmain: return put_bool(out, t.is_main_thread());
    case FieldId::kThreadVtid: return t.vtid >= 0 && put_i64(out, t.vtid);
    case FieldId::kThreadNametid: {
      std::string& s = ctx.scratch();
      s = t.comm + std::to_string(t.tid);
      return put_str(out, s);
    }
    case FieldId::kThreadCgroups: return put_str(out, join(ctx, t.cgroups, " "));
    case FieldId::kThreadCgroup: {
      for (const auto& c : t.cgroups) {
        const size_t eq = c.find('=');
        if (eq == std::string::npos) continue;
        // The controller part may list several ("cpu,cpuacct").
        std::string_view ctrls(c.data(), eq);
        while (!ctrls.empty()) {
          const size_t comma = ctrls.find(',');
          if (ctrls.substr(0, comma) == arg.key) return put_str(out, std::string_view(c).substr(eq + 1));
          if (comma == std::string_view::npos) break;
          ctrls.remove_prefix(comma + 1);
        }
      }
      return false;
    }
    case FieldId::kProcNthreads: return put_u64(out, table.count_threads(t.pid));
    case FieldId::kProcNchilds: return put_u64(out, t.is_main_thread() ? table.count_children(t.pid) : 0);
    // The memory belongs to the process: its main thread reports it, the others 0 (libsinsp).
    case FieldId::kThreadVmsize: return put_u64(out, t.is_main_thread() ? t.vmsize_kb : 0);
    case FieldId::kThreadVmrss: return put_u64(out, t.is_main_thread() ? t.vmrss_kb : 0);
    case FieldId::kThreadVmsizeB: return put_u64(out, t.is_main_thread() ? uint64_t{t.vmsize_kb} * 1024 : 0);
    case FieldId::kThreadVmrssB: return put_u64(out, t.is_main_thread() ? uint64_t{t.vmrss_kb} * 1024 : 0);
    case FieldId::kProcStdinType: return std_fd(t, 0, false, out);
    case FieldId::kProcStdoutType: return std_fd(t, 1, false, out);
    case FieldId::kProcStderrType: return std_fd(t, 2, false, out);
    case FieldId::kProcStdinName: return std_fd(t, 0, true, out);
    case FieldId::kProcStdoutName: return std_fd(t, 1, true, out);
    case FieldId::kProcStderrName: return std_fd(t, 2, true, out);
    case FieldId::kThreadTotexectime: return put_u64(out, t.totexectime_ns, FieldType::RelTime);
    case FieldId::kThreadCpu:
    case FieldId::kThreadCpuUser:
    case FieldId::kThreadCpuSystem: {
      // Only procinfo events carry CPU counters.
      const capture::EventInfo* info = ctx.event().info();
      if (!info || info->name != "procinfo") return false;
      const size_t which = id == FieldId::kThreadCpu ? 0 : id == FieldId::kThreadCpuUser ? 1 : 2;
      return put_double(out, t.cpu_delta[which]);
    }
    default:
      return false;
  }
}

}  // namespace vigil::inspect::detail
