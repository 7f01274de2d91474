// A snapshot of the running host taken from /proc, shaped exactly like the metadata a .scap file
// carries (metadata.h): machine info, interfaces, users and groups, one ThreadInfo per thread and
// one FdList per process. A live source takes it once at start to seed the inspector, so that a
// live session sees the same state a capture replay would.
//
// Fields follow the conventions of the falcosecurity libs' /proc scan (libscap linux
// scap_procs.c / scap_fds.c / scap_cgroup.c), so values compare equal to what those libs store:
//  - kernel threads and zombies (no cmdline and no exe link) are left out;
//  - every thread has ptid = the PPid of its process, and threads other than the leader carry
//    PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES; fds are listed once per process (FdList::tid = pid);
//  - uid/gid are the effective ids; vtid/vpid come from NSpid/NStgid; fdlimit is the soft
//    RLIMIT_NOFILE (UINT64_MAX when unknown or unlimited); tty is tty_nr from stat;
//  - cgroup v1 lines give one "controller=path" item per controller; a v2 "0::/path" line is
//    resolved through the v2 hierarchy's cgroup.controllers files, each controller reported at the
//    deepest level where it is available; when the scanner runs in its own cgroup namespace,
//    paths relative to it ("/../x.service") are made absolute from the scanner's own cgroup;
//    unlike libscap, the v2 path itself comes first as "unified=/path" (unless it is "/"), as
//    vigil's driver reports it: a cgroup without controllers (a container's leaf) shows only there;
//  - regular files are FileV2 with open_flags in PPM_O_* bits and dev (makedev of the mount's
//    major:minor); sockets are resolved by inode through the net namespace's socket tables and a
//    socket found in none of them is left out; anon inodes map to their FdType with an empty name.
// Where vigil deliberately differs it says so: exepath drops a trailing " (deleted)" (as the
// libs' inspector does), exe_ino/ctime/mtime come from stat of /proc/PID/exe (right even for
// deleted or containerized executables), exe_writable is computed from the file's mode bits
// without switching credentials, and vpgid equals pgid for processes in the root pid namespace.
//
// Races are normal: a process or fd that vanishes mid-scan is skipped and counted, never an error.
// Thread-safety: snapshot_proc() keeps no state between calls; concurrent calls are safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/capture/metadata.h"
#include "vigil/common/result.h"

namespace vigil::capture {

struct ProcSnapshotOptions {
  std::string proc_root = "/proc";     // tests point this at a fake tree
  std::string etc_root = "/etc";       // passwd and group are read from here
  std::string hostname;                // empty: gethostname()
  bool machine = true;                 // MachineInfo (hostname, cpus, memory, boot time)
  bool interfaces = true;              // getifaddrs(): IPv4 entries, then IPv6 ones
  bool users = true;                   // users and groups
  bool fds = true;                     // one FdList per process
  bool sockets = true;                 // resolve socket fds through the socket tables
  bool environment = true;             // ThreadInfo::env
  uint64_t max_threads = 1'000'000;    // threads past this are skipped and counted
  uint64_t max_fds_per_process = 65'536;
};

// What the scan saw and what it left out. Every skipped item is counted in exactly one bucket.
struct ProcSnapshotStats {
  uint64_t processes = 0;              // processes whose leader made it into the snapshot
  uint64_t threads = 0;                // ThreadInfo entries produced
  uint64_t fds = 0;                    // FdInfo entries produced
  uint64_t kernel_threads_skipped = 0; // no cmdline and no exe: kernel threads and zombies
  uint64_t threads_vanished = 0;       // exited (or became unreadable) while being read
  uint64_t threads_over_limit = 0;     // beyond max_threads
  uint64_t fds_vanished = 0;           // closed while being read
  uint64_t fds_over_limit = 0;         // beyond max_fds_per_process
  uint64_t fd_dirs_unreadable = 0;     // processes whose fd directory could not be listed
  uint64_t sockets_unresolved = 0;     // socket fds found in no socket table (left out, as libs do)
  uint64_t socket_tables_unreadable = 0;
  uint64_t malformed = 0;              // files or lines that did not parse; details in `problems`
  uint64_t problems_dropped = 0;       // malformed items beyond the first kMaxProblems
  std::vector<std::string> problems;   // "PATH: what was wrong", at most kMaxProblems entries
  uint64_t elapsed_ns = 0;             // wall time of the whole snapshot

  static constexpr size_t kMaxProblems = 64;
};

// Takes the snapshot. Fails only when proc_root itself cannot be listed; everything below that is
// skipped and counted in `stats` (optional, reset first).
Result<CaptureMetadata> snapshot_proc(const ProcSnapshotOptions& options,
                                      ProcSnapshotStats* stats = nullptr);

// Reads one thread (tid of process pid) the same way the full scan does, e.g. to fill in a thread
// the live source first sees after the snapshot. Fails when the thread is gone or is a kernel
// thread. `stats` (optional) is added to, not reset, so one object can follow a live session.
Result<ThreadInfo> read_proc_thread(const ProcSnapshotOptions& options, int64_t pid, int64_t tid,
                                    ProcSnapshotStats* stats = nullptr);

// Reads the fds of one process the same way the full scan does (sockets resolved in the
// process's own net namespace).
Result<FdList> read_proc_fds(const ProcSnapshotOptions& options, int64_t pid,
                             ProcSnapshotStats* stats = nullptr);

}  // namespace vigil::capture
