// Live capture followed by the inspector: the fields rules and `vigil --print -p` see for real
// workloads (files, exec, sockets, pipes, threads, users, terminals, exits), rendered through the
// field registry.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "inspect_harness.h"
#include "live_workloads.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;
using inspect::EventContext;

namespace {

constexpr uint16_t kOpenatX = 307, kReadX = 7, kWriteX = 9, kCloseX = 5, kExecveX = 293, kConnectX = 23,
                   kAcceptX = 247, kProcExit = 186, kCloneX = 223, kClone3X = 335, kSetuidX = 199,
                   kDup2X = 363;

std::string self_comm() {
  std::ifstream in("/proc/self/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

std::string real_path(const char* p) {
  char real[PATH_MAX];
  REQUIRE(realpath(p, real) != nullptr);
  return real;
}

bool type_in(const EventContext& c, std::initializer_list<uint16_t> types) {
  for (uint16_t t : types)
    if (c.event().type() == t) return true;
  return false;
}

// Forks a child that runs `path` with argv {argv0, "a", "b"}; returns its pid once it exited 0.
pid_t run_exec_child(const std::string& path, const std::string& argv0) {
  pid_t child = fork();
  if (child == 0) {
    char* const argv[] = {const_cast<char*>(argv0.c_str()), const_cast<char*>("a"), const_cast<char*>("b"), nullptr};
    char* const envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
    execve(path.c_str(), argv, envp);
    _exit(127);
  }
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return child;
}

}  // namespace

TEST_CASE("inspected open, write, read and close of a temp file name the file, the flags and the results") {
  InspectedCapture cap({"openat", "read", "write", "close"});
  const std::string path = temp_dir() + "/inspected.txt";
  const std::string missing = temp_dir() + "/no/such/file";
  const int64_t tid = current_tid();
  const int fd = write_and_read_back(path);
  REQUIRE(::openat(AT_FDCWD, missing.c_str(), O_RDONLY) == -1);
  emit_marker();

  auto events = cap.until_marker(
      {"evt.type", "fd.name", "fd.num", "fd.type", "evt.arg.flags", "evt.res", "evt.rawres", "evt.arg.name"},
      [&](const EventContext& c) {
        return c.event().tid() == tid && type_in(c, {kOpenatX, kReadX, kWriteX, kCloseX});
      });
  std::vector<InspectedEvent> mine;
  for (const auto& e : events)
    if (e["fd.name"] == path) mine.push_back(e);
  REQUIRE(mine.size() == 4);
  CHECK(mine[0]["evt.type"] == "openat");
  CHECK(mine[0]["evt.arg.flags"] == "O_TRUNC|O_CREAT|O_RDWR|O_CLOEXEC");
  CHECK(mine[0]["evt.res"] == "SUCCESS");
  CHECK(mine[0]["evt.rawres"] == std::to_string(fd));
  CHECK(mine[0]["fd.num"] == std::to_string(fd));
  CHECK(mine[0]["fd.type"] == "file");
  CHECK(mine[1]["evt.type"] == "write");
  CHECK(mine[1]["evt.res"] == "SUCCESS");
  CHECK(mine[1]["evt.rawres"] == "11");
  CHECK(mine[2]["evt.type"] == "read");
  CHECK(mine[2]["evt.rawres"] == "11");
  CHECK(mine[3]["evt.type"] == "close");
  CHECK(mine[3]["evt.res"] == "SUCCESS");
  CHECK(mine[3]["fd.num"] == std::to_string(fd));

  bool failed_open = false;
  for (const auto& e : events) {
    if (e.type != kOpenatX || e["evt.arg.name"] != missing) continue;
    failed_open = true;
    CHECK(e["evt.res"] == "ENOENT");
    CHECK(e["evt.rawres"] == "-2");
    CHECK(e["evt.arg.flags"] == "O_RDONLY");
  }
  CHECK(failed_open);
}

TEST_CASE("inspected execve of /bin/true a b has the process name, exe path, command line and parent") {
  InspectedCapture cap({"execve"});
  const pid_t child = run_exec_child("/bin/true", "true");
  emit_marker();
  auto events = cap.until_marker({"proc.name", "proc.exepath", "proc.cmdline", "proc.pname", "proc.exe", "proc.pid"},
                                 [&](const EventContext& c) {
                                   return c.event().tid() == child && c.event().type() == kExecveX;
                                 });
  REQUIRE(events.size() == 1);
  CHECK(events[0]["proc.name"] == "true");
  CHECK(events[0]["proc.exe"] == "true");
  CHECK(events[0]["proc.exepath"] == real_path("/bin/true"));
  CHECK(events[0]["proc.cmdline"] == "true a b");
  CHECK(events[0]["proc.pname"] == self_comm());
  CHECK(events[0]["proc.pid"] == std::to_string(child));
}

TEST_CASE("inspected execve through a symlink resolves the exe path to the target") {
  InspectedCapture cap({"execve"});
  const std::string link = temp_dir() + "/true-link";
  REQUIRE(symlink("/bin/true", link.c_str()) == 0);
  const pid_t child = run_exec_child(link, "true-link");
  emit_marker();
  auto events = cap.until_marker({"proc.name", "proc.exepath", "proc.exe", "proc.cmdline"}, [&](const EventContext& c) {
    return c.event().tid() == child && c.event().type() == kExecveX;
  });
  REQUIRE(events.size() == 1);
  CHECK(events[0]["proc.exepath"] == real_path("/bin/true"));
  CHECK(events[0]["proc.exe"] == "true-link");
  CHECK(events[0]["proc.name"] == "true-link");
  CHECK(events[0]["proc.cmdline"] == "true-link a b");
}

TEST_CASE("inspected connect and accept on 127.0.0.1 have the server and client addresses and ports") {
  InspectedCapture cap({"socket", "bind", "listen", "connect", "accept", "accept4"});
  const int64_t tid = current_tid();
  const LoopbackConnection c = open_and_close_loopback_connection();
  emit_marker();
  const std::string sport = std::to_string(ntohs(c.server.sin_port));
  const std::string cport = std::to_string(ntohs(c.client_end.sin_port));

  auto events = cap.until_marker({"evt.type", "fd.sip", "fd.sport", "fd.cip", "fd.cport", "fd.type", "fd.name"},
                                 [&](const EventContext& c) {
                                   return c.event().tid() == tid && type_in(c, {kConnectX, kAcceptX});
                                 });
  REQUIRE(events.size() == 2);
  for (const auto& e : events) {
    INFO(e["evt.type"] << " " << e["fd.name"]);
    CHECK(e["fd.sip"] == "127.0.0.1");
    CHECK(e["fd.cip"] == "127.0.0.1");
    CHECK(e["fd.sport"] == sport);
    CHECK(e["fd.cport"] == cport);
    CHECK(e["fd.type"] == "ipv4");
    CHECK(e["fd.name"] == "127.0.0.1:" + cport + "->127.0.0.1:" + sport);
  }
  CHECK(events[0]["evt.type"] == "connect");
  CHECK(events[1]["evt.type"] == "accept");
}

TEST_CASE("inspected writes through a pipe end dup2'ed to another number see a pipe at that number") {
  InspectedCapture cap({"pipe", "pipe2", "dup2", "write"});
  const int64_t tid = current_tid();
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
  const int target = 200;
  REQUIRE(dup2(fds[1], target) == target);
  REQUIRE(write(target, "x", 1) == 1);
  REQUIRE(write(fds[1], "y", 1) == 1);
  close(target);
  close(fds[0]);
  close(fds[1]);
  emit_marker();
  auto events = cap.until_marker({"evt.type", "fd.num", "fd.type", "fd.typechar", "fd.ino"}, [&](const EventContext& c) {
    return c.event().tid() == tid && type_in(c, {kWriteX, kDup2X});
  });
  std::vector<InspectedEvent> writes, dups;
  for (const auto& e : events) {
    if (e["evt.type"] == "write" && (e["fd.num"] == std::to_string(target) || e["fd.num"] == std::to_string(fds[1])))
      writes.push_back(e);
    if (e["evt.type"] == "dup2") dups.push_back(e);
  }
  REQUIRE(dups.size() == 1);
  CHECK(dups[0]["fd.num"] == std::to_string(target));
  CHECK(dups[0]["fd.type"] == "pipe");
  REQUIRE(writes.size() == 2);
  CHECK(writes[0]["fd.num"] == std::to_string(target));
  CHECK(writes[1]["fd.num"] == std::to_string(fds[1]));
  for (const auto& w : writes) {
    CHECK(w["fd.type"] == "pipe");
    CHECK(w["fd.typechar"] == "p");
  }
  // Both numbers name the same pipe.
  CHECK(writes[0]["fd.ino"] == writes[1]["fd.ino"]);
  CHECK(writes[0]["fd.ino"] != "0");
}

TEST_CASE("inspected events of a new thread belong to this process under the thread's own id") {
  InspectedCapture cap({"clone", "clone3", "openat"});
  const std::string probe = "/nonexistent-vigil-thread-probe-" + std::to_string(getpid());
  std::atomic<int64_t> thread_tid{0};
  std::thread t([&] {
    thread_tid = current_tid();
    emit_marker(probe);
  });
  t.join();
  emit_marker();
  auto events = cap.until_marker({"evt.type", "thread.tid", "proc.pid", "proc.name", "thread.ismain", "evt.arg.name"},
                                 [&](const EventContext& c) {
                                   return c.event().tid() == thread_tid.load() &&
                                          (type_in(c, {kCloneX, kClone3X}) ||
                                           (c.event().type() == kOpenatX && c.event().param("name").as_string() == probe));
                                 });
  REQUIRE(events.size() == 2);
  CHECK((events[0]["evt.type"] == "clone" || events[0]["evt.type"] == "clone3"));
  CHECK(events[1]["evt.type"] == "openat");
  for (const auto& e : events) {
    CHECK(e["thread.tid"] == std::to_string(thread_tid.load()));
    CHECK(e["proc.pid"] == std::to_string(getpid()));
    CHECK(e["proc.name"] == self_comm());
    CHECK(e["thread.ismain"] == "false");
  }
}

TEST_CASE("inspected events after setuid to nobody carry the user nobody") {
  const passwd* nobody = getpwnam("nobody");
  REQUIRE(nobody != nullptr);
  const uid_t uid = nobody->pw_uid;
  InspectedCapture cap({"setuid", "openat"});
  const std::string probe = "/nonexistent-vigil-nobody-probe-" + std::to_string(getpid());
  pid_t child = fork();
  if (child == 0) {
    emit_marker(probe);
    if (setuid(uid) != 0) _exit(2);
    emit_marker(probe);
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WEXITSTATUS(status) == 0);
  emit_marker();
  auto events = cap.until_marker({"evt.type", "user.name", "user.uid"}, [&](const EventContext& c) {
    return c.event().tid() == child &&
           (c.event().type() == kSetuidX || (c.event().type() == kOpenatX && c.event().param("name").as_string() == probe));
  });
  REQUIRE(events.size() == 3);
  CHECK(events[0]["evt.type"] == "openat");
  CHECK(events[0]["user.name"] == "root");
  CHECK(events[0]["user.uid"] == "0");
  CHECK(events[1]["evt.type"] == "setuid");
  CHECK(events[1]["user.name"] == "nobody");
  CHECK(events[2]["evt.type"] == "openat");
  CHECK(events[2]["user.name"] == "nobody");
  CHECK(events[2]["user.uid"] == std::to_string(uid));
}

TEST_CASE("an inspected command run by script under a terminal has a non-zero proc.tty") {
  InspectedCapture cap({"execve"});
  const std::string probe = "vigil-inspected-tty-" + std::to_string(getpid());
  const std::string cmd = "script -qec '/bin/true " + probe + "' /dev/null > /dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  // The same command without a terminal, for contrast.
  const std::string plain = "setsid /bin/true " + probe + "-plain < /dev/null > /dev/null 2>&1";
  REQUIRE(std::system(plain.c_str()) == 0);
  emit_marker();
  auto events = cap.until_marker({"proc.args", "proc.tty", "proc.name"}, [&](const EventContext& c) {
    return c.event().type() == kExecveX;
  });
  int with_tty = 0, without = 0;
  for (const auto& e : events) {
    if (e["proc.args"] == probe) {
      with_tty++;
      CHECK(e["proc.name"] == "true");
      CHECK(e["proc.tty"] != "0");
      CHECK(e["proc.tty"] != "<NA>");
    } else if (e["proc.args"] == probe + "-plain") {
      without++;
      CHECK(e["proc.tty"] == "0");
    }
  }
  CHECK(with_tty == 1);
  CHECK(without == 1);
}

TEST_CASE("an inspected process exit reports procexit for the process and removes it from the thread table") {
  InspectedCapture cap({"execve"});
  pid_t child = fork();
  if (child == 0) _exit(3);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WEXITSTATUS(status) == 3);
  emit_marker();
  bool child_known_before_exit = false;
  auto events = cap.until_marker({"evt.type", "proc.pid", "proc.name", "evt.arg.ret"}, [&](const EventContext& c) {
    if (c.event().tid() != child || c.event().type() != kProcExit) return false;
    child_known_before_exit = c.thread() != nullptr && c.thread()->tid == child;
    return true;
  });
  REQUIRE(events.size() == 1);
  CHECK(child_known_before_exit);
  CHECK(events[0]["evt.type"] == "procexit");
  CHECK(events[0]["proc.pid"] == std::to_string(child));
  CHECK(events[0]["proc.name"] == self_comm());
  CHECK(events[0]["evt.arg.ret"] == "3");
  CHECK(cap.inspector.threads().find(child) == nullptr);
}
