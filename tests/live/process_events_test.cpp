// Live capture of the process lifecycle: fork/clone, execve (with the full process snapshot the
// schema defines), thread creation and exit.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "live_harness.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;
using capture::EventView;

namespace {
constexpr uint16_t kCloneX = 223, kClone3X = 335, kExecveX = 293, kProcExit = 186;
constexpr uint32_t kPpmCloneThread = 8192, kPpmCloneVm = 32768;

std::string bytes_of(const capture::ParamView& p) {
  return std::string(reinterpret_cast<const char*>(p.data()), p.size());
}

uint64_t status_hex(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1), nullptr, 16);
  FAIL("no " << key << " in /proc/self/status");
  return 0;
}

// The memory controller's cgroup path of this process, from /proc/self/cgroup (v1 or v2).
std::string memory_cgroup() {
  std::ifstream in("/proc/self/cgroup");
  std::string line, unified;
  while (std::getline(in, line)) {
    const auto a = line.find(':'), b = line.find(':', a + 1);
    const std::string ctrls = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (ctrls.empty()) unified = path;
    std::stringstream ss(ctrls);
    std::string c;
    while (std::getline(ss, c, ','))
      if (c == "memory") return path;
  }
  return unified;
}

uint32_t self_loginuid() {
  std::ifstream in("/proc/self/loginuid");
  uint64_t v = 0xffffffff;
  in >> v;
  return static_cast<uint32_t>(v);
}

// Forks a child that runs `path` with argv {argv0, "a", "b"} and a known environment; returns
// its pid after it has exited with `status`.
pid_t run_child(const std::string& path, const std::string& argv0, int& status) {
  pid_t child = fork();
  if (child == 0) {
    char* const argv[] = {const_cast<char*>(argv0.c_str()), const_cast<char*>("a"), const_cast<char*>("b"), nullptr};
    char* const envp[] = {const_cast<char*>("VIGIL_TEST_ENV=1"), const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
    execve(path.c_str(), argv, envp);
    _exit(127);
  }
  REQUIRE(child > 0);
  REQUIRE(waitpid(child, &status, 0) == child);
  return child;
}

capture::LiveOptions process_options() {
  auto o = test_options({"execve", "execveat", "clone", "clone3", "fork", "vfork"});
  o.interest.procexit = true;
  return o;
}

}  // namespace

TEST_CASE("execve of /bin/true a b carries the new process's full snapshot") {
  auto src = open_live(process_options());
  const pid_t self = getpid();
  int status = 0;
  const pid_t child = run_child("/bin/true", "/bin/true", status);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  emit_marker();

  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == child || (e.tid() == current_tid() && (e.type() == kCloneX || e.type() == kClone3X));
  });

  // The parent's fork returns the child's pid; the child's returns 0 and names its parent.
  auto clones = of_types(events, {kCloneX, kClone3X});
  REQUIRE(clones.size() == 2);
  const auto& in_parent = clones[0].tid() == current_tid() ? clones[0] : clones[1];
  const auto& in_child = clones[0].tid() == child ? clones[0] : clones[1];
  CHECK(in_parent.param("res").as_i64() == child);
  CHECK(in_parent.param("pid").as_i64() == self);
  CHECK(in_child.tid() == child);
  CHECK(in_child.param("res").as_i64() == 0);
  CHECK(in_child.param("tid").as_i64() == child);
  CHECK(in_child.param("pid").as_i64() == child);
  CHECK(in_child.param("ptid").as_i64() == self);
  CHECK((in_child.param("flags").as_u32() & kPpmCloneThread) == 0);
  CHECK(in_child.view().nparams() == 21);

  auto execs = of_types(events, {kExecveX});
  REQUIRE(execs.size() == 1);
  const auto& ex = execs[0];
  CHECK(ex.view().nparams() == 31);
  CHECK(ex.param("res").as_i64() == 0);
  CHECK(ex.param("exe").as_string() == "/bin/true");
  CHECK(bytes_of(ex.param("args")) == std::string("a\0b\0", 4));
  CHECK(ex.param("tid").as_i64() == child);
  CHECK(ex.param("pid").as_i64() == child);
  CHECK(ex.param("ptid").as_i64() == self);
  char cwd[PATH_MAX];
  REQUIRE(getcwd(cwd, sizeof cwd) != nullptr);
  CHECK(ex.param("cwd").as_string() == cwd);
  CHECK(ex.param("comm").as_string() == "true");
  CHECK(bytes_of(ex.param("env")) == std::string("VIGIL_TEST_ENV=1\0PATH=/usr/bin:/bin\0", 36));
  CHECK(ex.param("uid").as_u32() == geteuid());
  CHECK(ex.param("gid").as_u32() == getegid());
  CHECK(ex.param("loginuid").as_u32() == self_loginuid());
  CHECK(ex.param("cap_permitted").as_u64() == status_hex("CapPrm"));
  CHECK(ex.param("cap_effective").as_u64() == status_hex("CapEff"));
  CHECK(ex.param("cap_inheritable").as_u64() == status_hex("CapInh"));
  char real[PATH_MAX];
  REQUIRE(realpath("/bin/true", real) != nullptr);
  CHECK(ex.param("trusted_exepath").as_string() == real);
  CHECK(ex.param("filename").as_string() == "/bin/true");
  struct stat st {};
  REQUIRE(stat("/bin/true", &st) == 0);
  CHECK(ex.param("exe_ino").as_u64() == st.st_ino);
  CHECK(ex.param("exe_ino_mtime").as_u64() ==
        static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull + st.st_mtim.tv_nsec);
  CHECK(ex.param("exe_ino_ctime").as_u64() ==
        static_cast<uint64_t>(st.st_ctim.tv_sec) * 1000000000ull + st.st_ctim.tv_nsec);
  CHECK(ex.param("vm_size").as_u32() > 0);
  // Root may write any file (CAP_DAC_OVERRIDE); nobody may not (user_tty_events_test.cpp).
  constexpr uint32_t kPpmExeWritable = 1;
  CHECK((ex.param("flags").as_u32() & kPpmExeWritable) == (geteuid() == 0 ? kPpmExeWritable : 0u));
  CHECK(ex.param("fdlimit").as_u64() > 0);
  CHECK(ex.param("pgid").as_i64() == getpgrp());
  const std::string cgroups = bytes_of(ex.param("cgroups"));
  CHECK(cgroups.find(std::string("memory=") + memory_cgroup() + '\0') != std::string::npos);
  CHECK(bytes_of(in_child.param("cgroups")) == cgroups);

  auto exits = of_types(events, {kProcExit});
  REQUIRE(exits.size() == 1);
  CHECK(exits[0].param("status").as_i64() == 0);
  CHECK(exits[0].param("ret").as_i64() == 0);
  CHECK(exits[0].param("sig").as_u8() == 0);
}

TEST_CASE("execve through a symlink reports the resolved executable path") {
  auto src = open_live(process_options());
  const std::string link = temp_dir() + "/true-link";
  REQUIRE(symlink("/bin/true", link.c_str()) == 0);
  int status = 0;
  const pid_t child = run_child(link, "true-link", status);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) { return e.tid() == child && e.type() == kExecveX; });
  REQUIRE(events.size() == 1);
  char real[PATH_MAX];
  REQUIRE(realpath("/bin/true", real) != nullptr);
  CHECK(events[0].param("res").as_i64() == 0);
  CHECK(events[0].param("exe").as_string() == "true-link");
  CHECK(events[0].param("filename").as_string() == link);
  CHECK(events[0].param("trusted_exepath").as_string() == real);
  CHECK(events[0].param("comm").as_string() == "true-link");
}

TEST_CASE("a failed execve is reported with its errno from the old image") {
  auto src = open_live(process_options());
  const std::string missing = temp_dir() + "/no-such-binary";
  int status = 0;
  const pid_t child = run_child(missing, "x", status);
  REQUIRE(WEXITSTATUS(status) == 127);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) { return e.tid() == child; });
  auto execs = of_types(events, {kExecveX});
  REQUIRE(execs.size() == 1);
  CHECK(execs[0].param("res").as_i64() == -ENOENT);
  CHECK(execs[0].param("filename").as_string() == missing);
  auto exits = of_types(events, {kProcExit});
  REQUIRE(exits.size() == 1);
  CHECK(exits[0].param("status").as_i64() == (127 << 8));
  CHECK(exits[0].param("ret").as_i64() == 127);
}

TEST_CASE("creating a thread emits clone exits in both threads with CLONE_THREAD set") {
  auto src = open_live(process_options());
  const pid_t self = getpid();
  std::atomic<int64_t> thread_tid{0};
  std::thread t([&] { thread_tid = current_tid(); });
  t.join();
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return (e.type() == kCloneX || e.type() == kClone3X) && e.param("pid").as_i64() == self;
  });
  REQUIRE(events.size() == 2);
  const auto& parent = events[0].param("res").as_i64() != 0 ? events[0] : events[1];
  const auto& child = events[0].param("res").as_i64() == 0 ? events[0] : events[1];
  CHECK(parent.tid() == current_tid());
  CHECK(parent.param("res").as_i64() == thread_tid.load());
  CHECK(child.tid() == thread_tid.load());
  CHECK(child.param("tid").as_i64() == thread_tid.load());
  CHECK(child.param("pid").as_i64() == self);
  CHECK((child.param("flags").as_u32() & (kPpmCloneThread | kPpmCloneVm)) == (kPpmCloneThread | kPpmCloneVm));
  CHECK(child.param("comm").as_string() == parent.param("comm").as_string());
}

TEST_CASE("a process killed by a signal reports the signal in procexit") {
  auto src = open_live(process_options());
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  REQUIRE(child > 0);
  kill(child, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) { return e.tid() == child && e.type() == kProcExit; });
  REQUIRE(events.size() == 1);
  CHECK(events[0].param("sig").as_u8() == SIGKILL);
  CHECK(events[0].param("status").as_i64() == SIGKILL);
  CHECK(events[0].param("core").as_u8() == 0);
}

TEST_CASE("executing a memfd through execveat is flagged as running from memfd") {
  auto src = open_live(process_options());
  int status = 0;
  pid_t child = fork();
  if (child == 0) {
    int mfd = static_cast<int>(syscall(SYS_memfd_create, "vigil-memfd", 0));
    int in = open("/bin/true", O_RDONLY);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
      if (write(mfd, buf, n) != n) _exit(3);
    close(in);
    char* const argv[] = {const_cast<char*>("memtrue"), nullptr};
    char* const envp[] = {nullptr};
    syscall(SYS_execveat, mfd, "", argv, envp, AT_EMPTY_PATH);
    _exit(127);
  }
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WEXITSTATUS(status) == 0);
  emit_marker();
  constexpr uint16_t kExecveatX = 331;
  constexpr uint32_t kPpmExeFromMemfd = 4;
  // Some sandboxes carry out execveat(fd, "", AT_EMPTY_PATH) as execve("/dev/fd/N"); the kernel
  // then reports execve, and so does the driver.
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == child && (e.type() == kExecveatX || e.type() == kExecveX);
  });
  REQUIRE(events.size() == 1);
  CHECK(events[0].param("res").as_i64() == 0);
  CHECK((events[0].param("flags").as_u32() & kPpmExeFromMemfd) == kPpmExeFromMemfd);
  CHECK(events[0].param("exe").as_string() == "memtrue");
  INFO("trusted_exepath " << events[0].param("trusted_exepath").as_string());
  CHECK(events[0].param("trusted_exepath").as_string().find("memfd:vigil-memfd") != std::string_view::npos);
}

TEST_CASE("procexit names the subreaper that adopts the children of an exiting process") {
  REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  auto src = open_live(process_options());
  int hold[2];
  REQUIRE(pipe(hold) == 0);
  pid_t middle = fork();
  if (middle == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0) {
      close(hold[1]);
      char c;
      (void)!read(hold[0], &c, 1);  // until the test closes the pipe
      _exit(0);
    }
    _exit(grandchild > 0 ? 0 : 1);
  }
  REQUIRE(waitpid(middle, nullptr, 0) == middle);
  close(hold[1]);
  close(hold[0]);
  // The grandchild is ours now: reap it.
  int status = 0;
  const pid_t reaped = wait(&status);
  CHECK(reaped > 0);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.type() == kProcExit && (e.tid() == middle || e.tid() == reaped);
  });
  REQUIRE(events.size() == 2);
  const auto& m = events[0].tid() == middle ? events[0] : events[1];
  const auto& g = events[0].tid() == reaped ? events[0] : events[1];
  CHECK(m.param("reaper_tid").as_i64() == getpid());
  CHECK(g.param("reaper_tid").as_i64() == 0);  // no children of its own
  REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 0) == 0);
}
