// The /proc snapshot against the real host: a child process with known threads and fds, the whole
// host, and the user databases.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_paths.h"
#include "vigil/capture/event_schema.h"
#include "vigil/capture/proc_snapshot.h"

using namespace vigil::capture;

namespace {

// The child is this test binary re-executed with VIGIL_PROC_CHILD_* set: this hook runs before
// Catch's main, builds the fds and threads, reports their numbers on the ready pipe and waits
// for the hold pipe to close. A real exec is needed so the child's environ and argv in /proc are
// the ones the test chose.
int run_child() {
  const char* file = std::getenv("VIGIL_PROC_CHILD_FILE");
  const char* dir = std::getenv("VIGIL_PROC_CHILD_DIR");
  int ready = std::atoi(std::getenv("VIGIL_PROC_CHILD_READY_FD"));
  int hold = std::atoi(std::getenv("VIGIL_PROC_CHILD_HOLD_FD"));
  int nthreads = std::atoi(std::getenv("VIGIL_PROC_CHILD_THREADS"));

  int file_fd = ::open(file, O_RDONLY | O_CLOEXEC);
  if (::chdir(dir) != 0) return 2;
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener, 4) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return 3;
  }
  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return 4;
  sockaddr_in client_addr{};
  len = sizeof(client_addr);
  ::getsockname(client, reinterpret_cast<sockaddr*>(&client_addr), &len);
  int unix_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::string unix_path = std::string(dir) + "/child.sock";
  std::strncpy(un.sun_path, unix_path.c_str(), sizeof(un.sun_path) - 1);
  if (::bind(unix_fd, reinterpret_cast<sockaddr*>(&un), sizeof(un)) != 0 ||
      ::listen(unix_fd, 1) != 0) {
    return 5;
  }
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return 6;
  int event_fd = ::eventfd(0, 0);

  std::vector<std::thread> threads;
  for (int i = 0; i < nthreads; ++i) {
    threads.emplace_back([hold] {
      char c;
      while (::read(hold, &c, 1) > 0) {}
    });
  }
  std::ostringstream report;
  report << file_fd << ' ' << listener << ' ' << client << ' ' << unix_fd << ' ' << pipe_fds[0]
         << ' ' << pipe_fds[1] << ' ' << event_fd << ' ' << ntohs(addr.sin_port) << ' '
         << ntohs(client_addr.sin_port) << '\n';
  std::string text = report.str();
  if (::write(ready, text.data(), text.size()) != static_cast<ssize_t>(text.size())) return 7;
  ::close(ready);
  char c;
  while (::read(hold, &c, 1) > 0) {}
  for (auto& t : threads) t.join();
  return 0;
}

[[maybe_unused]] const bool kChildHook = [] {
  if (std::getenv("VIGIL_PROC_CHILD_FILE") != nullptr) std::_Exit(run_child());
  return false;
}();

struct ChildFds {
  int file = -1, listener = -1, client = -1, unix_sock = -1, pipe_r = -1, pipe_w = -1,
      event = -1;
  uint16_t listen_port = 0, client_port = 0;
};

// A running child; its fds are known once started() returns.
class Child {
 public:
  Child(const std::string& file, const std::string& dir, int threads) {
    int ready[2], hold[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(hold) == 0);
    // Exec the binary by its real path: comm is the basename of the path exec'd.
    char self_buf[4096] = {};
    REQUIRE(::readlink("/proc/self/exe", self_buf, sizeof(self_buf) - 1) > 0);
    std::string self = self_buf;
    std::vector<std::string> env = {
        "VIGIL_PROC_CHILD_FILE=" + file, "VIGIL_PROC_CHILD_DIR=" + dir,
        "VIGIL_PROC_CHILD_READY_FD=" + std::to_string(ready[1]),
        "VIGIL_PROC_CHILD_HOLD_FD=" + std::to_string(hold[0]),
        "VIGIL_PROC_CHILD_THREADS=" + std::to_string(threads), "VIGIL_PROC_MARKER=snapshot-me"};
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(hold[1]);
      std::vector<char*> argv = {const_cast<char*>("vigil-proc-child"),
                                 const_cast<char*>("alpha"), const_cast<char*>("beta gamma"),
                                 nullptr};
      std::vector<char*> envp;
      for (auto& e : env) envp.push_back(e.data());
      envp.push_back(nullptr);
      ::execve(self.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(ready[1]);
    ::close(hold[0]);
    hold_ = hold[1];
    std::string text;
    char buf[256];
    ssize_t n;
    while ((n = ::read(ready[0], buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
    ::close(ready[0]);
    std::istringstream in(text);
    in >> fds_.file >> fds_.listener >> fds_.client >> fds_.unix_sock >> fds_.pipe_r >>
        fds_.pipe_w >> fds_.event >> fds_.listen_port >> fds_.client_port;
    REQUIRE(in);
  }
  ~Child() {
    ::close(hold_);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  pid_t pid() const { return pid_; }
  const ChildFds& fds() const { return fds_; }

 private:
  pid_t pid_ = -1;
  int hold_ = -1;
  ChildFds fds_;
};

std::string make_file(const std::string& dir, const std::string& name) {
  std::string path = dir + "/" + name;
  std::ofstream(path) << "content\n";
  return path;
}

uint32_t ppm_flag(std::string_view table, std::string_view name) {
  const FlagTable* t = EventSchema::newest().flag_table(table);
  REQUIRE(t != nullptr);
  for (const auto& e : t->entries) {
    if (e.name == name) return static_cast<uint32_t>(e.value);
  }
  FAIL("no " << name << " in " << table);
  return 0;
}

std::vector<const ThreadInfo*> threads_of(const CaptureMetadata& md, int64_t pid) {
  std::vector<const ThreadInfo*> out;
  for (const auto& t : md.threads) {
    if (t.pid == pid) out.push_back(&t);
  }
  return out;
}

const FdList* fds_of(const CaptureMetadata& md, int64_t pid) {
  for (const auto& l : md.fd_lists) {
    if (l.tid == pid) return &l;
  }
  return nullptr;
}

const FdInfo* fd_numbered(const FdList& list, int64_t fd) {
  for (const auto& f : list.fds) {
    if (f.fd == fd) return &f;
  }
  return nullptr;
}

std::array<uint8_t, 16> loopback_v4() { return {127, 0, 0, 1}; }

}  // namespace

TEST_CASE("a snapshot describes a child process's command, identity and environment") {
  std::string dir = vigil::test::temp_dir();
  std::string file = make_file(dir, "known.txt");
  Child child(file, dir, 0);

  ProcSnapshotStats stats;
  auto md = snapshot_proc(ProcSnapshotOptions{}, &stats);
  REQUIRE(md.ok());
  auto threads = threads_of(*md, child.pid());
  REQUIRE(threads.size() == 1);
  const ThreadInfo& t = *threads[0];
  CHECK(t.tid == child.pid());
  CHECK(t.ptid == ::getpid());
  CHECK(t.comm == "vigil_capture_t");  // the binary's name, cut to 15 bytes by the kernel
  CHECK(t.exe == "vigil-proc-child");
  CHECK(t.args == std::vector<std::string>{"alpha", "beta gamma"});
  char self[4096] = {};
  REQUIRE(::readlink("/proc/self/exe", self, sizeof(self) - 1) > 0);
  CHECK(t.exepath == self);
  CHECK(t.cwd == dir);
  CHECK(t.root == "/");
  CHECK(std::find(t.env.begin(), t.env.end(), "VIGIL_PROC_MARKER=snapshot-me") != t.env.end());
  CHECK(t.uid == ::geteuid());
  CHECK(t.gid == ::getegid());
  CHECK(t.vtid == t.tid);
  CHECK(t.vpid == t.pid);
  CHECK(t.sid == ::getsid(0));
  CHECK(t.pgid == ::getpgid(0));
  CHECK(t.vpgid == t.pgid);
  CHECK(t.flags == 0);
  CHECK_FALSE(t.cgroups.empty());
  for (const auto& cg : t.cgroups) CHECK(cg.find('=') != std::string::npos);
  struct rlimit nofile;
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &nofile) == 0);
  CHECK(t.fdlimit == nofile.rlim_cur);
  CHECK(t.vmsize_kb > 0);
  CHECK(t.cap_effective != 0);  // root
  struct stat exe_st;
  REQUIRE(::stat(self, &exe_st) == 0);
  CHECK(t.exe_ino == exe_st.st_ino);
  CHECK(t.exe_ino_mtime ==
        static_cast<uint64_t>(exe_st.st_mtim.tv_sec) * 1'000'000'000ull + exe_st.st_mtim.tv_nsec);
  CHECK(t.exe_writable);  // root owns the freshly built binary
  CHECK_FALSE(t.exe_from_memfd);
  CHECK(stats.threads >= 2);
  CHECK(stats.processes >= 2);
}

TEST_CASE("a snapshot resolves a child's file, socket, pipe and event fds") {
  std::string dir = vigil::test::temp_dir();
  std::string file = make_file(dir, "known.txt");
  Child child(file, dir, 0);
  const ChildFds& want = child.fds();

  auto md = snapshot_proc(ProcSnapshotOptions{});
  REQUIRE(md.ok());
  const FdList* list = fds_of(*md, child.pid());
  REQUIRE(list != nullptr);

  const FdInfo* f = fd_numbered(*list, want.file);
  REQUIRE(f != nullptr);
  CHECK(f->type == FdType::FileV2);
  CHECK(f->name == file);
  CHECK(f->open_flags == (ppm_flag("file_flags", "O_RDONLY") | ppm_flag("file_flags", "O_CLOEXEC")));
  struct stat st;
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK(f->ino == st.st_ino);
  REQUIRE(f->dev.has_value());
  CHECK(*f->dev == static_cast<uint32_t>(st.st_dev));

  const FdInfo* listener = fd_numbered(*list, want.listener);
  REQUIRE(listener != nullptr);
  CHECK(listener->type == FdType::Ipv4ServSock);
  CHECK(listener->sip == loopback_v4());
  CHECK(listener->sport == want.listen_port);
  CHECK(listener->l4proto == 2);  // TCP

  const FdInfo* client = fd_numbered(*list, want.client);
  REQUIRE(client != nullptr);
  CHECK(client->type == FdType::Ipv4Sock);
  CHECK(client->sip == loopback_v4());
  CHECK(client->dip == loopback_v4());
  CHECK(client->sport == want.client_port);
  CHECK(client->dport == want.listen_port);
  CHECK(client->l4proto == 2);

  // The accepted end was never accept()ed, so the client is the only connected socket of the
  // child; the unix listener carries its path.
  const FdInfo* un = fd_numbered(*list, want.unix_sock);
  REQUIRE(un != nullptr);
  CHECK(un->type == FdType::UnixSock);
  CHECK(un->name == dir + "/child.sock");
  CHECK(un->ino != 0);

  const FdInfo* pr = fd_numbered(*list, want.pipe_r);
  const FdInfo* pw = fd_numbered(*list, want.pipe_w);
  REQUIRE(pr != nullptr);
  REQUIRE(pw != nullptr);
  CHECK(pr->type == FdType::Fifo);
  CHECK(pr->name == "pipe:[" + std::to_string(pr->ino) + "]");
  CHECK(pr->ino == pw->ino);

  const FdInfo* ev = fd_numbered(*list, want.event);
  REQUIRE(ev != nullptr);
  CHECK(ev->type == FdType::Event);
  CHECK(ev->name.empty());

  // Descriptors the child did not open explicitly (stdio, the hold pipe) are listed too, and
  // never twice.
  std::map<int64_t, int> seen;
  for (const auto& fd : list->fds) CHECK(++seen[fd.fd] == 1);
}

TEST_CASE("a snapshot lists one thread entry per thread of a multi-threaded child") {
  std::string dir = vigil::test::temp_dir();
  std::string file = make_file(dir, "known.txt");
  Child child(file, dir, 3);

  auto md = snapshot_proc(ProcSnapshotOptions{});
  REQUIRE(md.ok());
  auto threads = threads_of(*md, child.pid());
  REQUIRE(threads.size() == 4);
  const uint32_t thread_flags =
      ppm_flag("clone_flags", "CLONE_THREAD") | ppm_flag("clone_flags", "CLONE_FILES");
  int leaders = 0;
  for (const ThreadInfo* t : threads) {
    CHECK(t->ptid == ::getpid());
    CHECK(t->exe == "vigil-proc-child");
    CHECK(t->cwd == dir);
    CHECK(t->vtid == t->tid);
    if (t->tid == child.pid()) {
      ++leaders;
      CHECK(t->flags == 0);
    } else {
      CHECK(t->flags == thread_flags);
    }
  }
  CHECK(leaders == 1);
  // Fds belong to the process: one list, keyed by the leader.
  int lists = 0;
  for (const auto& l : md->fd_lists) {
    for (const ThreadInfo* t : threads) lists += l.tid == t->tid;
  }
  CHECK(lists == 1);
}

TEST_CASE("the limits on threads and fds leave entries out and count them") {
  std::string dir = vigil::test::temp_dir();
  std::string file = make_file(dir, "known.txt");
  Child child(file, dir, 2);

  ProcSnapshotOptions opt;
  opt.max_threads = 5;
  opt.interfaces = false;
  ProcSnapshotStats stats;
  auto md = snapshot_proc(opt, &stats);
  REQUIRE(md.ok());
  CHECK(md->threads.size() == 5);
  CHECK(stats.threads == 5);
  CHECK(stats.threads_over_limit > 0);

  // The child has stdio, two sockets per connection, a pipe, ...: well over 3 fds.
  opt.max_fds_per_process = 3;
  ProcSnapshotStats fd_stats;
  auto fds = read_proc_fds(opt, child.pid(), &fd_stats);
  REQUIRE(fds.ok());
  CHECK(fds->fds.size() == 3);
  CHECK(fd_stats.fds_over_limit > 0);
  CHECK(fd_stats.fds == 3);

  auto thread = read_proc_thread(ProcSnapshotOptions{}, child.pid(), child.pid());
  REQUIRE(thread.ok());
  CHECK(thread->exe == "vigil-proc-child");
}

TEST_CASE("a whole-host snapshot contains init, this process, the machine and the loopback") {
  ProcSnapshotStats stats;
  auto md = snapshot_proc(ProcSnapshotOptions{}, &stats);
  REQUIRE(md.ok());
  CHECK_FALSE(threads_of(*md, 1).empty());
  auto self = threads_of(*md, ::getpid());
  REQUIRE_FALSE(self.empty());
  CHECK(fds_of(*md, ::getpid()) != nullptr);
  CHECK(stats.threads == md->threads.size());
  uint64_t fds = 0;
  for (const auto& l : md->fd_lists) fds += l.fds.size();
  CHECK(stats.fds == fds);
  CHECK(stats.elapsed_ns > 0);

  REQUIRE(md->machine.has_value());
  CHECK(md->machine->num_cpus == static_cast<uint32_t>(::sysconf(_SC_NPROCESSORS_ONLN)));
  CHECK(md->machine->memory_size_bytes > 0);
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  CHECK(md->machine->hostname == host);
  uint64_t now_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  CHECK(md->machine->boot_ts_epoch > 946684800ull * 1'000'000'000ull);  // after 2000
  CHECK(md->machine->boot_ts_epoch < now_ns);

  bool loopback = false;
  bool seen_v6 = false;
  for (const auto& i : md->interfaces) {
    if (i.kind == InterfaceInfo::Kind::Ipv6) seen_v6 = true;
    CHECK_FALSE((i.kind == InterfaceInfo::Kind::Ipv4 && seen_v6));  // IPv4 entries come first
    if (i.name == "lo" && i.kind == InterfaceInfo::Kind::Ipv4) {
      loopback = true;
      CHECK(i.addr == loopback_v4());
      CHECK(i.netmask == std::array<uint8_t, 16>{255, 0, 0, 0});
    }
  }
  CHECK(loopback);
}

TEST_CASE("a snapshot's users and groups come from the host databases and include root") {
  auto md = snapshot_proc(ProcSnapshotOptions{});
  REQUIRE(md.ok());
  bool root_user = false, root_group = false;
  for (const auto& u : md->users) {
    if (u.uid == 0) {
      root_user = true;
      CHECK(u.name == "root");
      CHECK(u.gid == 0);
      CHECK(u.homedir == "/root");
      CHECK_FALSE(u.shell.empty());
    }
  }
  for (const auto& g : md->groups) {
    if (g.gid == 0) {
      root_group = true;
      CHECK(g.name == "root");
    }
  }
  CHECK(root_user);
  CHECK(root_group);
}
