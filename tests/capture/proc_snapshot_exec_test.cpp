// The /proc snapshot on processes with unusual executables or namespaces: a deleted binary, a
// memfd, a pid namespace of their own.
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "test_paths.h"
#include "vigil/capture/proc_snapshot.h"

using namespace vigil::capture;

namespace {

// A `sleep` started from an executable the caller prepares in the forked child (exec_fn never
// returns on success); killed when the object goes away.
class Sleeper {
 public:
  template <typename ExecFn>
  explicit Sleeper(ExecFn exec_fn) {
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      exec_fn();
      ::_exit(127);
    }
  }
  ~Sleeper() {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  pid_t pid() const { return pid_; }

  // Waits until the child's exe link names something containing `needle` (the exec is done).
  // The kernel switches /proc/PID/exe before it lays out the new argv, so a snapshot taken as soon
  // as the link changes can see an empty cmdline: wait for both.
  void wait_for_exe(const std::string& needle) const {
    std::string link = "/proc/" + std::to_string(pid_) + "/exe";
    std::string cmdline = "/proc/" + std::to_string(pid_) + "/cmdline";
    for (int i = 0; i < 500; ++i) {
      char buf[4096] = {};
      if (::readlink(link.c_str(), buf, sizeof(buf) - 1) > 0 &&
          std::string(buf).find(needle) != std::string::npos) {
        std::ifstream args(cmdline, std::ios::binary);
        if (args.get() != std::char_traits<char>::eof()) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("child " << pid_ << " never ran " << needle);
  }

 private:
  pid_t pid_ = -1;
};

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("a process whose executable was deleted keeps its path and inode") {
  std::string dir = vigil::test::temp_dir();
  std::string copy = dir + "/vigil-sleep-copy";
  {
    std::string bytes = read_whole("/bin/sleep");
    std::ofstream(copy, std::ios::binary) << bytes;
  }
  REQUIRE(::chmod(copy.c_str(), 0755) == 0);
  struct stat st;
  REQUIRE(::stat(copy.c_str(), &st) == 0);
  Sleeper sleeper([&] {
    char* argv[] = {const_cast<char*>("vigil-sleep-copy"), const_cast<char*>("30"), nullptr};
    ::execv(copy.c_str(), argv);
  });
  sleeper.wait_for_exe("vigil-sleep-copy");
  REQUIRE(::unlink(copy.c_str()) == 0);

  auto t = read_proc_thread(ProcSnapshotOptions{}, sleeper.pid(), sleeper.pid());
  REQUIRE(t.ok());
  CHECK(t->exepath == copy);  // without the kernel's " (deleted)"
  CHECK(t->exe_ino == st.st_ino);
  CHECK(t->exe_ino_mtime ==
        static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull + st.st_mtim.tv_nsec);
  CHECK_FALSE(t->exe_from_memfd);
  CHECK(t->args == std::vector<std::string>{"30"});
}

TEST_CASE("a process executed from a memfd is flagged and its memfd listed as such") {
  std::string bytes = read_whole("/bin/sleep");
  Sleeper sleeper([&] {
    int fd = ::memfd_create("vigil-memfd", 0);
    if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      return;
    }
    char* argv[] = {const_cast<char*>("sleep"), const_cast<char*>("30"), nullptr};
    char* envp[] = {nullptr};
    ::fexecve(fd, argv, envp);
  });
  sleeper.wait_for_exe("memfd:");

  auto t = read_proc_thread(ProcSnapshotOptions{}, sleeper.pid(), sleeper.pid());
  REQUIRE(t.ok());
  CHECK(t->exe_from_memfd);
  CHECK(t->exepath == "/memfd:vigil-memfd");
  CHECK(t->exe_ino != 0);

  // The memfd stays open in the new image (no MFD_CLOEXEC).
  auto fds = read_proc_fds(ProcSnapshotOptions{}, sleeper.pid());
  REQUIRE(fds.ok());
  bool found = false;
  for (const auto& fd : fds->fds) {
    if (fd.type != FdType::Memfd) continue;
    found = true;
    CHECK(fd.name == "/memfd:vigil-memfd (deleted)");
    CHECK(fd.ino == t->exe_ino);
  }
  CHECK(found);
}

TEST_CASE("a process in its own pid namespace has its namespace ids as vtid and vpid") {
  // The child unshares a pid namespace and forks: the grandchild is pid 1 there.
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::unshare(CLONE_NEWPID) != 0) ::_exit(2);
    pid_t grandchild = ::fork();
    if (grandchild == 0) {
      char* argv[] = {const_cast<char*>("sleep"), const_cast<char*>("30"), nullptr};
      ::execv("/bin/sleep", argv);
      ::_exit(127);
    }
    std::string text = std::to_string(grandchild) + "\n";
    (void)!::write(ready[1], text.data(), text.size());
    int status;
    ::waitpid(grandchild, &status, 0);
    ::_exit(0);
  }
  ::close(ready[1]);
  char buf[64] = {};
  REQUIRE(::read(ready[0], buf, sizeof(buf) - 1) > 0);
  ::close(ready[0]);
  // fork() in the child returned the grandchild's pid as the child sees it: the child stayed in
  // our namespace, so that is the pid we see too.
  pid_t grandchild = static_cast<pid_t>(std::atoi(buf));
  REQUIRE(grandchild > 0);
  struct Reaper {
    pid_t child, grandchild;
    ~Reaper() {
      ::kill(grandchild, SIGKILL);
      int status;
      ::waitpid(child, &status, 0);
    }
  } reaper{child, grandchild};
  std::string link = "/proc/" + std::to_string(grandchild) + "/exe";
  for (int i = 0; i < 500; ++i) {
    char exe[4096] = {};
    if (::readlink(link.c_str(), exe, sizeof(exe) - 1) > 0 &&
        std::string(exe).find("sleep") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  auto t = read_proc_thread(ProcSnapshotOptions{}, grandchild, grandchild);
  REQUIRE(t.ok());
  CHECK(t->tid == grandchild);
  CHECK(t->vtid == 1);
  CHECK(t->vpid == 1);
  CHECK(t->ptid == child);
  CHECK(t->pgid == ::getpgid(0));  // inherited from outside the namespace
}
