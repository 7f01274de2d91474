// What the inspector knows about every thread on the machine.
//
// Seeded from a capture's process list (or a live host's /proc snapshot) and kept current by
// clone/fork/execve/exit and friends. Threads of one process share one ProcessFiles (fds, cwd).
// Memory is bounded: the table refuses new threads past its maximum (and counts them), and
// exited threads are removed. Not thread-safe: the owning Inspector is used from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/inspect/container.h"
#include "vigil/inspect/fd_table.h"

namespace vigil::inspect {

struct ThreadState {
  int64_t tid = -1;
  int64_t pid = -1;
  int64_t ptid = -1;
  int64_t sid = -1;
  int64_t vpgid = -1;
  int64_t pgid = -1;
  int64_t vtid = -1;
  int64_t vpid = -1;
  std::string comm;                   // proc.name
  std::string exe;                    // argv[0]
  std::string exepath;                // resolved executable path
  std::vector<std::string> args;      // argv[1..]
  std::vector<std::string> env;       // KEY=VALUE
  std::vector<std::string> cgroups;   // controller=path
  std::string root = "/";
  uint64_t fdlimit = 0;
  uint32_t flags = 0;                 // PPM_CL_* bits
  uint32_t uid = 0xFFFFFFFFu;
  uint32_t gid = 0xFFFFFFFFu;
  uint32_t loginuid = 0xFFFFFFFFu;
  uint32_t tty = 0;
  uint32_t vmsize_kb = 0;
  uint32_t vmrss_kb = 0;
  uint32_t vmswap_kb = 0;
  uint64_t pfmajor = 0;
  uint64_t pfminor = 0;
  uint64_t cap_inheritable = 0;
  uint64_t cap_permitted = 0;
  uint64_t cap_effective = 0;
  uint64_t exe_ino = 0;
  uint64_t exe_ino_ctime = 0;
  uint64_t exe_ino_mtime = 0;
  bool exe_writable = false;
  bool exe_upper_layer = false;
  bool exe_lower_layer = false;
  bool exe_from_memfd = false;
  uint64_t clone_ts = 0;              // ns since the epoch; 0 when unknown (seeded threads)
  uint64_t pidns_init_start_ts = 0;
  // CPU accounting (thread.totexectime, thread.cpu*): the sum of the time slices context switch
  // events gave the thread, and the CPU counters of its last procinfo event with the change
  // they showed (user+system, user, system).
  uint64_t totexectime_ns = 0;
  uint64_t last_cpu_user = 0;
  uint64_t last_cpu_system = 0;
  double cpu_delta[3] = {0, 0, 0};
  bool dead = false;                  // procexit seen; removed after its event
  int64_t lastevent_fd = -1;          // the fd of this thread's current syscall (fd.num)
  // Created on first sight of a tid nobody described: its process fields read "<NA>" (as in
  // libsinsp) until a clone or execve tells us more.
  bool placeholder = false;
  std::shared_ptr<ProcessFiles> files;  // never null
  ContainerMatch container;           // from the cgroups; the host when none matches

  bool is_main_thread() const { return tid == pid; }
};

class ThreadTable {
 public:
  explicit ThreadTable(size_t max_threads) : max_threads_(max_threads) {}

  const ThreadState* find(int64_t tid) const;
  ThreadState* find(int64_t tid);
  // The thread `tid`, created empty if absent. nullptr when the table is full (counted).
  ThreadState* find_or_create(int64_t tid, bool& created);
  bool erase(int64_t tid);
  // The main thread of `t`'s process (t itself when it is the main thread or the leader is unknown).
  const ThreadState* main_thread(const ThreadState& t) const;
  // The process `level` generations up from `t`'s process (0: its main thread), or nullptr.
  const ThreadState* ancestor(const ThreadState& t, size_t level) const;
  // Number of threads whose pid equals `pid`; number of live threads whose parent is `pid`.
  size_t count_threads(int64_t pid) const;
  size_t count_children(int64_t pid) const;

  size_t size() const { return threads_.size(); }
  size_t max_threads() const { return max_threads_; }
  uint64_t refused() const { return refused_; }
  void clear() { threads_.clear(); }

  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [tid, t] : threads_) f(t);
  }

 private:
  std::unordered_map<int64_t, ThreadState> threads_;
  size_t max_threads_;
  uint64_t refused_ = 0;
};

}  // namespace vigil::inspect
