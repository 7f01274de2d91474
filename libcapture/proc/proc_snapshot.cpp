// snapshot_proc(): walks /proc and assembles the CaptureMetadata.
#include "vigil/capture/proc_snapshot.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "proc/proc_scan_context.h"

namespace vigil::capture {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Numeric entries of a directory, ascending; false when it cannot be opened.
bool list_ids(const std::string& path, std::vector<int64_t>& ids, int* error = nullptr) {
  ids.clear();
  std::unique_ptr<DIR, DirCloser> d(::opendir(path.c_str()));
  if (!d) {
    if (error) *error = errno;
    return false;
  }
  while (struct dirent* e = ::readdir(d.get())) {
    std::string_view name = e->d_name;
    uint64_t id;
    if (!proc::take_u64(name, id) || !name.empty() || id == 0 || id > INT64_MAX) continue;
    ids.push_back(static_cast<int64_t>(id));
  }
  std::sort(ids.begin(), ids.end());
  return true;
}

void count_outcome(ProcSnapshotStats& stats, proc::ThreadReadOutcome outcome) {
  switch (outcome) {
    case proc::ThreadReadOutcome::kRead: ++stats.threads; break;
    case proc::ThreadReadOutcome::kVanished: ++stats.threads_vanished; break;
    case proc::ThreadReadOutcome::kKernelThread: ++stats.kernel_threads_skipped; break;
    case proc::ThreadReadOutcome::kMalformed: break;  // counted by ScanContext::malformed
  }
}

void scan_process(proc::ScanContext& ctx, int64_t pid, CaptureMetadata& md) {
  const ProcSnapshotOptions& opt = ctx.options();
  ProcSnapshotStats& stats = ctx.stats();
  const std::string pid_dir = opt.proc_root + "/" + std::to_string(pid) + "/";
  std::vector<int64_t> tids;
  if (md.threads.size() >= opt.max_threads) {
    // Count what is left out, not just the process.
    stats.threads_over_limit += list_ids(pid_dir + "task", tids) && !tids.empty() ? tids.size() : 1;
    return;
  }
  ThreadInfo leader;
  auto outcome = proc::read_thread(ctx, pid_dir, pid, leader);
  count_outcome(stats, outcome);
  // libscap drops a process whose leader cannot be read, threads included; so do we.
  if (outcome != proc::ThreadReadOutcome::kRead) return;
  ++stats.processes;
  md.threads.push_back(std::move(leader));

  if (opt.fds) {
    FdList list;
    list.tid = pid;
    if (proc::read_fds(ctx, pid_dir, list.fds)) {
      stats.fds += list.fds.size();
      md.fd_lists.push_back(std::move(list));
    } else {
      ++stats.fd_dirs_unreadable;
    }
  }

  if (!list_ids(pid_dir + "task", tids)) return;  // exited meanwhile: the leader is all we have
  for (int64_t tid : tids) {
    if (tid == pid) continue;
    if (md.threads.size() >= opt.max_threads) {
      ++stats.threads_over_limit;
      continue;
    }
    ThreadInfo t;
    auto o = proc::read_thread(ctx, pid_dir + "task/" + std::to_string(tid) + "/", tid, t);
    count_outcome(stats, o);
    if (o == proc::ThreadReadOutcome::kRead) md.threads.push_back(std::move(t));
  }
}

}  // namespace

Result<CaptureMetadata> snapshot_proc(const ProcSnapshotOptions& options,
                                      ProcSnapshotStats* stats_out) {
  auto start = std::chrono::steady_clock::now();
  ProcSnapshotStats local;
  ProcSnapshotStats& stats = stats_out != nullptr ? *stats_out : local;
  stats = ProcSnapshotStats{};
  proc::ScanContext ctx(options, stats);

  std::vector<int64_t> pids;
  int err = 0;
  if (!list_ids(options.proc_root, pids, &err)) {
    return Error{"cannot list the proc directory: " + std::string(std::strerror(err)),
                 options.proc_root};
  }

  CaptureMetadata md;
  if (options.machine) md.machine = proc::read_machine_info(ctx);
  if (options.interfaces) md.interfaces = proc::read_interfaces(ctx);
  if (options.users) proc::read_users_and_groups(ctx, md.users, md.groups);
  for (int64_t pid : pids) scan_process(ctx, pid, md);

  stats.elapsed_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count());
  return md;
}

Result<ThreadInfo> read_proc_thread(const ProcSnapshotOptions& options, int64_t pid, int64_t tid,
                                    ProcSnapshotStats* stats_out) {
  ProcSnapshotStats local;
  ProcSnapshotStats& stats = stats_out != nullptr ? *stats_out : local;
  proc::ScanContext ctx(options, stats);
  std::string dir = options.proc_root + "/" + std::to_string(pid) + "/";
  if (tid != pid) dir += "task/" + std::to_string(tid) + "/";
  ThreadInfo t;
  auto outcome = proc::read_thread(ctx, dir, tid, t);
  count_outcome(stats, outcome);
  switch (outcome) {
    case proc::ThreadReadOutcome::kRead: return t;
    case proc::ThreadReadOutcome::kVanished: return Error{"thread is gone", dir};
    case proc::ThreadReadOutcome::kKernelThread:
      return Error{"kernel thread or zombie (no cmdline, no exe)", dir};
    case proc::ThreadReadOutcome::kMalformed: break;
  }
  return Error{"unparsable thread status", dir};
}

Result<FdList> read_proc_fds(const ProcSnapshotOptions& options, int64_t pid,
                             ProcSnapshotStats* stats_out) {
  ProcSnapshotStats local;
  ProcSnapshotStats& stats = stats_out != nullptr ? *stats_out : local;
  proc::ScanContext ctx(options, stats);
  std::string dir = options.proc_root + "/" + std::to_string(pid) + "/";
  FdList list;
  list.tid = pid;
  if (!proc::read_fds(ctx, dir, list.fds)) {
    ++stats.fd_dirs_unreadable;
    return Error{"cannot list the fd directory", dir + "fd"};
  }
  stats.fds += list.fds.size();
  return list;
}

}  // namespace vigil::capture
