// A made-up Linux host whose processes act out a story one system call at a time, so a story
// reads as sentences ("the nginx worker spawns /bin/sh -c id", "the shell opens /etc/crontab for
// appending") and comes out as the metadata and event records vigil's live driver would have
// produced for it: newest schema, one exit event per system call with every parameter filled,
// clone seen from both sides, exec carrying the whole process snapshot.
//
// Time is a fixed clock: each event takes kEventSpacingNs, after() adds pauses. The same story
// therefore always gives the same bytes.
//
// Single-threaded; Process references stay valid for the host's lifetime.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "syscall_record.h"
#include "vigil/capture/metadata.h"

namespace vigil::demo {

// PPM_O_* open flags as events carry them (flag-tables.tsv, file_flags), not the kernel's.
enum OpenFlag : uint32_t {
  kRead = 1, kWrite = 2, kReadWrite = 3, kCreate = 4, kAppend = 8, kTruncate = 256, kDirectory = 1024,
  kCloexec = 4096,
};

// The tty device number of /dev/pts/N (major 136), as exec events report it.
constexpr uint32_t pts(uint32_t n) { return (136u << 8) | n; }

// All capabilities of a root process, and none.
constexpr uint64_t kAllCapabilities = 0x1ffffffffffull;
constexpr uint64_t kNoCapabilities = 0;
constexpr uint32_t kNoLoginUid = 0xFFFFFFFFu;

// A container as the kernel shows it: the cgroup paths of its processes name it (here the way
// docker with the systemd cgroup driver does).
struct Container {
  std::string id;  // 64 hex digits
  std::vector<std::string> cgroups() const;
};

// What a process runs after an exec, or runs at capture start. Fields left unset are inherited
// from the process as it was (uid, tty, environment, ...).
struct Launch {
  std::string exe{};                      // the executable the kernel loaded (proc.exepath)
  std::optional<std::string> filename{};  // the path execve was given (/bin/sh -> dash); default: exe
  std::vector<std::string> argv{};        // argv[0] first (proc.exe); empty: the basename of exe
  std::optional<std::string> comm{};      // default: basename of the filename (the kernel's rule)
  std::optional<std::string> cwd{};
  std::optional<uint32_t> uid{}, gid{}, loginuid{}, tty{};
  std::optional<uint64_t> capabilities{};
  std::optional<std::string> cgroup{};  // cgroup path for every controller (/user.slice/...)
  std::optional<std::vector<std::string>> env{};
  const Container* container = nullptr;   // moves the process into that container's cgroups
  std::optional<int64_t> vpid{};          // pid inside the container's pid namespace
};

class DemoHost;

// One process of the host (a single thread: tid == pid). Every call below writes the event(s)
// of one system call, stamped with the host's clock.
class Process {
 public:
  int64_t pid() const { return state_.tid; }

  // fork() then execve() in the child: the parent's clone exit, the child's clone exit and the
  // child's execve exit. The child gets this process's fds (so its stdio) and identity.
  Process& spawn(int64_t child_pid, const Launch& launch);
  // fork() without exec: both clone exits.
  Process& fork(int64_t child_pid);
  void exec(const Launch& launch);
  void exit(int64_t status = 0);

  // openat(AT_FDCWD, path, flags, mode): the lowest free fd, as the kernel hands it out.
  int64_t open(std::string_view path, uint32_t flags, uint32_t mode = 0);
  void open_fails(std::string_view path, uint32_t flags, int64_t errno_value);
  void read(int64_t fd, std::string_view data);
  void write(int64_t fd, std::string_view data);
  void close(int64_t fd);
  void symlink(std::string_view target, std::string_view linkpath);

  // socket(AF_INET, SOCK_STREAM, 0).
  int64_t tcp_socket();
  void connect(int64_t fd, Endpoint local, Endpoint remote);
  void connect_refused(int64_t fd, Endpoint remote);
  // accept4 on a listening socket: a new fd for `client` -> `server`.
  int64_t accept(int64_t listen_fd, Endpoint client, Endpoint server);
  void dup2(int64_t oldfd, int64_t newfd);

  // The thread of the process list, as a capture's metadata stores it.
  capture::ThreadInfo thread_info() const;

 private:
  friend class DemoHost;
  struct State {
    int64_t tid = 0, pid = 0, ptid = 0, vpid = 0, sid = 0, pgid = 0;
    std::string comm, exepath, cwd = "/";
    std::vector<std::string> argv, env, cgroups;
    uint32_t uid = 0, gid = 0, loginuid = kNoLoginUid, tty = 0;
    uint64_t capabilities = kAllCapabilities;
    uint32_t vm_size_kb = 0, vm_rss_kb = 0;
    std::vector<int64_t> fds;  // open fds, sorted
  };
  Process(DemoHost& host, State state) : host_(host), state_(std::move(state)) {}

  // Sets what `launch` says on `s` (an exec, or a process at capture start).
  static void apply(const Launch& launch, State& s);
  SyscallRecord syscall(std::string_view name) const;
  // The process snapshot clone and execve exits carry, of the thread `s` they belong to.
  static void fill_snapshot(const State& s, SyscallRecord& r);
  SyscallRecord clone_exit(int64_t res, const State& side, uint32_t flags) const;
  // Fails the story when `fd` is not open here (a read of a closed fd is a story mistake).
  void require_fd(int64_t fd, std::string_view call) const;
  int64_t lowest_free_fd() const;
  void add_fd(int64_t fd);
  void remove_fd(int64_t fd);

  DemoHost& host_;
  State state_;
};

class DemoHost {
 public:
  static constexpr uint64_t kEventSpacingNs = 25'000;

  DemoHost(capture::MachineInfo machine, uint64_t start_ts_ns);

  void add_interface(std::string name, std::string_view ip, std::string_view netmask);
  void add_user(uint32_t uid, uint32_t gid, std::string name, std::string home, std::string shell);
  void add_group(uint32_t gid, std::string name);
  // A process already running when the capture starts, with its open fds; it goes into the
  // process list and fd lists of the metadata.
  Process& running(int64_t pid, int64_t ppid, const Launch& launch, std::vector<capture::FdInfo> fds = {});

  // Lets `ms` milliseconds pass before the next event.
  void after(uint64_t ms) { now_ += ms * 1'000'000; }

  const capture::CaptureMetadata& metadata() const { return metadata_; }
  const std::vector<EncodedRecord>& events() const { return events_; }
  uint16_t cpu_of(int64_t tid) const;

 private:
  friend class Process;
  Process& adopt(Process::State state);
  void emit(const SyscallRecord& record);
  uint64_t now() const { return now_; }

  capture::CaptureMetadata metadata_;
  std::deque<Process> processes_;
  std::vector<EncodedRecord> events_;
  uint64_t now_;
};

// Fds of processes running at capture start.
capture::FdInfo file_fd(int64_t fd, std::string name, uint32_t flags, uint64_t ino);
capture::FdInfo listening_socket(int64_t fd, Endpoint at);
capture::FdInfo connected_socket(int64_t fd, Endpoint client, Endpoint server);

}  // namespace vigil::demo
