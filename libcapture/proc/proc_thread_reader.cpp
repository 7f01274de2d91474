// One ThreadInfo from a /proc/PID/ or /proc/PID/task/TID/ directory.
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <string_view>

#include "proc/proc_scan_context.h"

namespace vigil::capture::proc {
namespace {

// libscap's SCAP_MAX_ARGS_SIZE / SCAP_MAX_ENV_SIZE: longer command lines and environments are cut.
constexpr size_t kMaxArgsBytes = 4096;
constexpr size_t kMaxEnvBytes = 4096;
constexpr uint32_t kCloneFiles = 1;      // PPM_CL_CLONE_FILES
constexpr uint32_t kCloneThread = 8192;  // PPM_CL_CLONE_THREAD
constexpr std::string_view kDeletedSuffix = " (deleted)";

uint64_t timespec_ns(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// NUL-separated items; a final unterminated item (cut by the size cap) is kept.
std::vector<std::string> split_nul_list(std::string_view data) {
  std::vector<std::string> items;
  while (!data.empty()) {
    size_t nul = data.find('\0');
    items.emplace_back(data.substr(0, nul));
    if (nul == std::string_view::npos) break;
    data.remove_prefix(nul + 1);
  }
  return items;
}

// Every number of a status line after its "Key:" prefix.
std::vector<uint64_t> status_numbers(std::string_view rest, int base = 10) {
  std::vector<uint64_t> values;
  uint64_t v;
  while (take_u64(rest, v, base)) values.push_back(v);
  return values;
}

struct StatusFields {
  bool has_tgid = false, has_ppid = false, has_uid = false, has_gid = false;
  std::vector<uint64_t> groups;
  std::vector<uint64_t> nspid, nstgid, nspgid;
};

bool parse_status(std::string_view text, ThreadInfo& t, StatusFields& f) {
  for_each_line(text, [&](std::string_view line) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view key = line.substr(0, colon);
    std::string_view rest = line.substr(colon + 1);
    if (key == "Tgid") {
      auto v = status_numbers(rest);
      if (!v.empty()) { t.pid = static_cast<int64_t>(v[0]); f.has_tgid = true; }
    } else if (key == "PPid") {
      auto v = status_numbers(rest);
      if (!v.empty()) { t.ptid = static_cast<int64_t>(v[0]); f.has_ppid = true; }
    } else if (key == "Uid") {
      auto v = status_numbers(rest);  // real, effective, saved, fs: keep the effective one
      if (v.size() >= 2) { t.uid = static_cast<uint32_t>(v[1]); f.has_uid = true; }
    } else if (key == "Gid") {
      auto v = status_numbers(rest);
      if (v.size() >= 2) { t.gid = static_cast<uint32_t>(v[1]); f.has_gid = true; }
    } else if (key == "Groups") {
      f.groups = status_numbers(rest);
    } else if (key == "CapInh") {
      auto v = status_numbers(rest, 16);
      if (!v.empty()) t.cap_inheritable = v[0];
    } else if (key == "CapPrm") {
      auto v = status_numbers(rest, 16);
      if (!v.empty()) t.cap_permitted = v[0];
    } else if (key == "CapEff") {
      auto v = status_numbers(rest, 16);
      if (!v.empty()) t.cap_effective = v[0];
    } else if (key == "VmSize") {
      auto v = status_numbers(rest);
      if (!v.empty()) t.vmsize_kb = static_cast<uint32_t>(v[0]);
    } else if (key == "VmRSS") {
      auto v = status_numbers(rest);
      if (!v.empty()) t.vmrss_kb = static_cast<uint32_t>(v[0]);
    } else if (key == "VmSwap") {
      auto v = status_numbers(rest);
      if (!v.empty()) t.vmswap_kb = static_cast<uint32_t>(v[0]);
    } else if (key == "NSpid") {
      f.nspid = status_numbers(rest);
    } else if (key == "NStgid") {
      f.nstgid = status_numbers(rest);
    } else if (key == "NSpgid") {
      f.nspgid = status_numbers(rest);
    }
  });
  return f.has_tgid && f.has_ppid && f.has_uid && f.has_gid;
}

// stat fields after "(comm) ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt.
bool parse_stat(std::string_view text, int64_t& pgrp, ThreadInfo& t) {
  size_t paren = text.rfind(')');
  if (paren == std::string_view::npos) return false;
  auto fields = split_fields(text.substr(paren + 1), 10);
  if (fields.size() < 10) return false;
  uint64_t v[10] = {};
  for (size_t i = 1; i < 10; ++i) {
    std::string_view f = fields[i];
    bool negative = !f.empty() && f[0] == '-';  // tpgid is -1 without a terminal
    if (negative) f.remove_prefix(1);
    if (!take_u64(f, v[i]) || !f.empty()) return false;
    if (negative) v[i] = static_cast<uint64_t>(-static_cast<int64_t>(v[i]));
  }
  pgrp = static_cast<int64_t>(v[2]);
  t.sid = static_cast<int64_t>(v[3]);
  t.tty = static_cast<uint32_t>(v[4]);
  t.pfminor = v[7];
  t.pfmajor = v[9];
  return true;
}

// Soft "Max open files" from limits; UINT64_MAX for "unlimited" or when unknown (libscap's -1).
uint64_t parse_fdlimit(std::string_view text) {
  uint64_t limit = UINT64_MAX;
  for_each_line(text, [&](std::string_view line) {
    constexpr std::string_view kKey = "Max open files";
    if (line.substr(0, kKey.size()) != kKey) return;
    std::string_view rest = line.substr(kKey.size());
    uint64_t v;
    if (take_u64(rest, v)) limit = v;
  });
  return limit;
}

// Whether the thread's credentials allow writing the executable, judged from its mode bits:
// the owner may always chmod it (libscap counts that as writable), root may write anything on a
// writable file system, others need the group or other write bit.
bool exe_writable(const struct stat& st, const std::string& exe_link, const ThreadInfo& t,
                  const StatusFields& f) {
  if (st.st_uid == t.uid) return true;
  if (t.uid == 0) {
    struct statvfs vfs;
    return ::statvfs(exe_link.c_str(), &vfs) != 0 || (vfs.f_flag & ST_RDONLY) == 0;
  }
  bool in_group = st.st_gid == t.gid;
  for (uint64_t g : f.groups) in_group = in_group || st.st_gid == g;
  if (in_group) return (st.st_mode & S_IWGRP) != 0;
  return (st.st_mode & S_IWOTH) != 0;
}

}  // namespace

ThreadReadOutcome read_thread(ScanContext& ctx, const std::string& dir, int64_t tid,
                              ThreadInfo& t) {
  const ProcSnapshotOptions& opt = ctx.options();
  t = ThreadInfo{};
  t.tid = tid;

  std::string cmdline;
  if (read_file(dir + "cmdline", cmdline, kMaxArgsBytes) != 0) return ThreadReadOutcome::kVanished;
  std::string exe_target;
  int exe_err = read_link(dir + "exe", exe_target);
  // An empty command line and no executable: a kernel thread or a zombie, which libscap leaves out.
  if (cmdline.empty() && exe_err != 0) return ThreadReadOutcome::kKernelThread;

  std::string text;
  if (read_file(dir + "status", text, 64 * 1024) != 0) return ThreadReadOutcome::kVanished;
  StatusFields f;
  if (!parse_status(text, t, f)) {
    ctx.malformed(dir + "status", "missing Tgid, PPid, Uid or Gid");
    return ThreadReadOutcome::kMalformed;
  }
  if (read_file(dir + "stat", text, 4096) != 0) return ThreadReadOutcome::kVanished;
  int64_t pgrp = -1;
  if (!parse_stat(text, pgrp, t)) {
    ctx.malformed(dir + "stat", "unparsable stat line");
    return ThreadReadOutcome::kMalformed;
  }
  // Ids as seen from the innermost pid namespace (the last NS* column); the host's when there is
  // no nesting. vpgid = pgid in the root namespace (pre-2024 libscap; newer ones leave it 0).
  t.vtid = f.nspid.size() >= 2 ? static_cast<int64_t>(f.nspid.back()) : t.tid;
  t.vpid = f.nstgid.size() >= 2 ? static_cast<int64_t>(f.nstgid.back()) : t.pid;
  if (!f.nspgid.empty()) {
    t.pgid = static_cast<int64_t>(f.nspgid.front());
    t.vpgid = static_cast<int64_t>(f.nspgid.back());
  } else {
    t.pgid = pgrp;
    t.vpgid = pgrp;
  }

  if (read_file(dir + "comm", t.comm, 64) != 0) return ThreadReadOutcome::kVanished;
  if (!t.comm.empty() && t.comm.back() == '\n') t.comm.pop_back();

  if (!cmdline.empty()) {
    if (cmdline.back() == '\0') cmdline.pop_back();
    auto argv = split_nul_list(cmdline);
    if (!argv.empty()) {
      t.exe = std::move(argv.front());
      t.args.assign(std::make_move_iterator(argv.begin() + 1),
                    std::make_move_iterator(argv.end()));
    }
  }
  if (exe_err == 0) {
    t.exe_from_memfd = exe_target.rfind("/memfd:", 0) == 0;
    if (exe_target.size() > kDeletedSuffix.size() &&
        exe_target.compare(exe_target.size() - kDeletedSuffix.size(), kDeletedSuffix.size(),
                           kDeletedSuffix) == 0) {
      exe_target.resize(exe_target.size() - kDeletedSuffix.size());
    }
    t.exepath = std::move(exe_target);
  }

  if (opt.environment && read_file(dir + "environ", text, kMaxEnvBytes) == 0 && !text.empty()) {
    if (text.back() == '\0') text.pop_back();
    t.env = split_nul_list(text);
  }
  read_link(dir + "cwd", t.cwd);
  read_link(dir + "root", t.root);

  t.fdlimit = read_file(dir + "limits", text, 8192) == 0 ? parse_fdlimit(text) : UINT64_MAX;
  read_cgroups(ctx, dir + "cgroup", t.cgroups);

  if (read_file(dir + "loginuid", text, 32) == 0) {
    std::string_view v = text;
    uint64_t loginuid;
    if (take_u64(v, loginuid)) {
      t.loginuid = static_cast<uint32_t>(loginuid);
    } else {
      ctx.malformed(dir + "loginuid", "not a number");
    }
  }

  struct stat st;
  // The start of the pid namespace's init, seen through the thread's own root (libscap's
  // container start time).
  if (::stat((dir + "root/proc/1/cmdline").c_str(), &st) == 0) {
    t.pidns_init_start_ts = timespec_ns(st.st_ctim);
  }
  std::string exe_link = dir + "exe";
  if (exe_err == 0 && ::stat(exe_link.c_str(), &st) == 0) {
    t.exe_ino = st.st_ino;
    t.exe_ino_ctime = timespec_ns(st.st_ctim);
    t.exe_ino_mtime = timespec_ns(st.st_mtim);
    t.exe_writable = exe_writable(st, exe_link, t, f);
  }

  // /proc does not record clone flags; libscap assumes pthread_create's for non-leader threads.
  t.flags = t.tid == t.pid ? 0 : (kCloneThread | kCloneFiles);
  return ThreadReadOutcome::kRead;
}

}  // namespace vigil::capture::proc
