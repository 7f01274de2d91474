// The inspector's state on hand-built events: process lifecycle, fd tables, bad input.
#include <catch2/catch.hpp>

#include "event_builder.h"
#include "inspector_test_support.h"
#include "vigil/inspect/formatter.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using capture::Direction;
using test::enc_i64;
using test::enc_list;
using test::enc_str;
using test::enc_u32;
using test::enc_u64;
using test::TestEvent;

namespace {

constexpr uint32_t kCloneThread = 1u << 13;  // PPM_CL_CLONE_THREAD
constexpr uint32_t kOCloexec = 4096, kORdonly = 1, kODirectory = 1024;

// A machine with one shell (pid 100, parent init 1) in /home/user.
capture::CaptureMetadata small_machine() {
  capture::CaptureMetadata meta;
  capture::ThreadInfo init;
  init.tid = init.pid = 1;
  init.ptid = 0;
  init.comm = init.exe = "systemd";
  init.exepath = "/usr/lib/systemd/systemd";
  init.cwd = "/";
  capture::ThreadInfo shell;
  shell.tid = shell.pid = 100;
  shell.ptid = 1;
  shell.comm = "bash";
  shell.exe = "-bash";
  shell.exepath = "/usr/bin/bash";
  shell.cwd = "/home/user";
  shell.uid = 1000;
  shell.gid = 1000;
  meta.threads = {init, shell};
  capture::FdList fds;
  fds.tid = 100;
  capture::FdInfo tty;
  tty.fd = 0;
  tty.type = capture::FdType::File;
  tty.name = "/dev/pts/0";
  fds.fds.push_back(tty);
  meta.fd_lists.push_back(fds);
  meta.users.push_back({1000, 1000, "user", "/home/user", "/bin/bash"});
  meta.groups.push_back({1000, "users"});
  return meta;
}

TestEvent clone_exit(int64_t tid, int64_t res, int64_t pid, int64_t ptid, uint32_t flags, std::string_view comm) {
  TestEvent ev("clone", Direction::Exit, tid);
  ev.set("res", enc_i64(res)).set("exe", enc_str(comm)).set("args", enc_list({})).set("tid", enc_i64(tid))
      .set("pid", enc_i64(pid)).set("ptid", enc_i64(ptid)).set("cwd", enc_str("")).set("comm", enc_str(comm))
      .set("flags", enc_u32(flags)).set("uid", enc_u32(1000)).set("gid", enc_u32(1000));
  return ev;
}

TestEvent openat_exit(int64_t tid, int64_t fd, int64_t dirfd, std::string_view name, uint32_t flags) {
  TestEvent ev("openat", Direction::Exit, tid);
  ev.set("fd", enc_i64(fd)).set("dirfd", enc_i64(dirfd)).set("name", enc_str(name)).set("flags", enc_u32(flags));
  return ev;
}

}  // namespace

TEST_CASE("seeding builds threads, fds, users and groups from capture metadata") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(small_machine()).ok());
  const inspect::ThreadState* shell = inspector.threads().find(100);
  REQUIRE(shell != nullptr);
  CHECK(shell->comm == "bash");
  CHECK(shell->files->cwd == "/home/user/");
  REQUIRE(shell->files->fds.find(0) != nullptr);
  CHECK(shell->files->fds.find(0)->name == "/dev/pts/0");
  CHECK(inspector.users().user(1000)->name == "user");
  CHECK(inspector.users().group(1000)->name == "users");
  CHECK(inspector.threads().ancestor(*shell, 1)->comm == "systemd");
  CHECK(inspector.threads().ancestor(*shell, 2) == nullptr);
}

TEST_CASE("a forked child gets a copy of its parent's fds and a thread shares them") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(small_machine()).ok());
  auto parent_side = clone_exit(100, 200, 100, 1, 0, "bash");
  inspector.process(parent_side.view(1));
  auto thread = clone_exit(200, 201, 200, 100, kCloneThread, "bash");
  inspector.process(thread.view(2));
  const inspect::ThreadState* child = inspector.threads().find(200);
  const inspect::ThreadState* child_thread = inspector.threads().find(201);
  REQUIRE(child != nullptr);
  REQUIRE(child_thread != nullptr);
  CHECK(child->pid == 200);
  CHECK(child->ptid == 100);
  CHECK(child_thread->pid == 200);
  CHECK(child->files != inspector.threads().find(100)->files);  // a copy
  CHECK(child->files->fds.find(0) != nullptr);
  CHECK(child_thread->files == child->files);  // shared

  // An fd opened by the thread is the process's.
  auto open = openat_exit(201, 3, -100, "notes.txt", kORdonly);
  const auto& ctx = inspector.process(open.view(3));
  CHECK(test::render(inspector, ctx, "%fd.name %proc.pid %thread.tid %proc.pname %proc.aname[2]") ==
        "/home/user/notes.txt 200 201 bash systemd");
  CHECK(child->files->fds.find(3) != nullptr);
  CHECK(inspector.threads().find(100)->files->fds.find(3) == nullptr);

  // The child side of the same clone arriving later changes nothing.
  auto child_side = clone_exit(200, 0, 200, 100, 0, "bash");
  inspector.process(child_side.view(4));
  CHECK(inspector.threads().find(200)->files == child->files);
  CHECK(inspector.stats().unknown_thread_events == 0);
}

TEST_CASE("execve replaces the program, keeps the pid and closes close-on-exec fds") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(small_machine()).ok());
  auto o1 = openat_exit(100, 3, -100, "/etc/passwd", kORdonly | kOCloexec);
  inspector.process(o1.view(1));
  auto o2 = openat_exit(100, 4, -100, "/etc/hosts", kORdonly);
  inspector.process(o2.view(2));
  TestEvent exec("execve", Direction::Exit, 100);
  exec.set("res", enc_i64(0)).set("exe", enc_str("cat")).set("args", enc_list({"-n", "/etc/hosts"}))
      .set("pid", enc_i64(100)).set("ptid", enc_i64(1)).set("comm", enc_str("cat"))
      .set("trusted_exepath", enc_str("/usr/bin/cat")).set("env", enc_list({"HOME=/home/user", "LANG=C"}));
  const auto& ctx = inspector.process(exec.view(3));
  CHECK(test::render(inspector, ctx, "%proc.name|%proc.exe|%proc.exepath|%proc.args|%proc.cmdline|%proc.env[HOME]|%proc.pname") ==
        "cat|cat|/usr/bin/cat|-n /etc/hosts|cat -n /etc/hosts|/home/user|systemd");
  TestEvent read("read", Direction::Exit, 100);
  read.set("res", enc_i64(0)).set("fd", enc_i64(4));
  inspector.process(read.view(4));
  const inspect::FdTable& fds = inspector.threads().find(100)->files->fds;
  CHECK(fds.find(3) == nullptr);
  CHECK(fds.find(4) != nullptr);
}

TEST_CASE("openat resolves names against its dirfd, chdir moves the cwd, dup copies and close removes") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(small_machine()).ok());
  auto dir = openat_exit(100, 5, -100, "/etc", kORdonly | kODirectory);
  inspector.process(dir.view(1));
  auto rel = openat_exit(100, 6, 5, "ssh/../passwd", kORdonly);
  const auto& c1 = inspector.process(rel.view(2));
  CHECK(test::render(inspector, c1, "%fd.name %fd.nameraw %fd.typechar %fd.directory %fd.filename") ==
        "/etc/passwd ssh/../passwd f /etc passwd");
  TestEvent cd("chdir", Direction::Exit, 100);
  cd.set("res", enc_i64(0)).set("path", enc_str("../../tmp/./work"));
  inspector.process(cd.view(3));
  CHECK(inspector.threads().find(100)->files->cwd == "/tmp/work/");
  TestEvent dup("dup2", Direction::Exit, 100);
  dup.set("res", enc_i64(9)).set("oldfd", enc_i64(6)).set("newfd", enc_i64(9));
  const auto& c2 = inspector.process(dup.view(4));
  CHECK(test::render(inspector, c2, "%fd.num %fd.name") == "9 /etc/passwd");
  TestEvent close("close", Direction::Exit, 100);
  close.set("res", enc_i64(0)).set("fd", enc_i64(9));
  const auto& c3 = inspector.process(close.view(5));
  CHECK(test::render(inspector, c3, "%fd.name") == "/etc/passwd");  // still visible on the close itself
  TestEvent read("read", Direction::Exit, 100);
  read.set("res", enc_i64(-9)).set("fd", enc_i64(9));
  const auto& c4 = inspector.process(read.view(6));
  CHECK(c4.fd() == nullptr);
  CHECK(test::render(inspector, c4, "%fd.num %evt.res %evt.failed") == "9 EBADF true");
  CHECK(inspector.stats().unknown_fd_events == 1);
}

TEST_CASE("a connected socket exposes its tuple through typed fields") {
  inspect::Inspector inspector;
  auto meta = small_machine();
  capture::InterfaceInfo lo;
  lo.addr = {10, 0, 0, 5};
  lo.name = "eth0";
  meta.interfaces.push_back(lo);
  REQUIRE(inspector.seed(meta).ok());
  TestEvent sock("socket", Direction::Exit, 100);
  sock.set("fd", enc_i64(3)).set("domain", enc_u32(capture::kAfInet)).set("type", enc_u32(1)).set("proto", enc_u32(0));
  inspector.process(sock.view(1));
  TestEvent conn("connect", Direction::Exit, 100);
  conn.set("res", enc_i64(0)).set("fd", enc_i64(3)).set("tuple", test::enc_tuple4({10, 0, 0, 5}, 40000, {93, 184, 216, 34}, 443));
  const auto& ctx = inspector.process(conn.view(2));
  CHECK(test::render(inspector, ctx, "%fd.name %fd.l4proto %fd.lip %fd.rip %fd.rport %fd.sproto %fd.is_server") ==
        "10.0.0.5:40000->93.184.216.34:443 tcp 10.0.0.5 93.184.216.34 443 https false");
  auto sip = inspector.fields().bind("fd.sip", std::nullopt);
  REQUIRE(sip.ok());
  inspect::FieldValues values;
  REQUIRE(sip.value()->extract(ctx, values));
  REQUIRE(values.size() == 1);
  CHECK(values[0].type == inspect::FieldType::IpAddr);
  CHECK(values[0].ip.family == 4);
  CHECK(values[0].ip.addr[0] == 93);
  auto rport = inspector.fields().bind("fd.rport", std::nullopt);
  REQUIRE(rport.value()->extract(ctx, values));
  CHECK(values[0].type == inspect::FieldType::Port);
  CHECK(values[0].u64 == 443);
}

TEST_CASE("events of unknown threads still arrive, with <NA> process fields, and are counted") {
  inspect::Inspector inspector;  // no metadata at all
  TestEvent read("read", Direction::Exit, 4242);
  read.set("res", enc_i64(5)).set("fd", enc_i64(7)).set("data", "hello");
  const auto& ctx = inspector.process(read.view(1));
  // Like libsinsp, an exit on an unknown fd has an empty name but no type.
  CHECK(test::render(inspector, ctx, "%proc.name %thread.tid %fd.num [%fd.name] %fd.type %evt.buffer") ==
        "<NA> 4242 7 [] <NA> hello");
  CHECK(inspector.stats().unknown_thread_events == 1);
  CHECK(inspector.stats().unknown_fd_events == 1);
  auto fmt = inspect::Formatter::compile("%fd.type", inspector.fields());
  std::string out;
  CHECK_FALSE(fmt->format(ctx, out));  // like sysdig: a missing field drops the line
}

TEST_CASE("exits are purged after their event, and an exit of an unknown thread creates nothing") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(small_machine()).ok());
  TestEvent exit("procexit", Direction::Enter, 100);
  exit.set("status", enc_i64(0));
  const auto& ctx = inspector.process(exit.view(1));
  CHECK(test::render(inspector, ctx, "%proc.name") == "bash");
  TestEvent other("procexit", Direction::Enter, 777);
  other.set("status", enc_i64(0));
  inspector.process(other.view(2));
  CHECK(inspector.threads().find(100) == nullptr);
  CHECK(inspector.threads().find(777) == nullptr);
  CHECK(inspector.stats().orphan_exits == 1);
  CHECK(inspector.stats().threads_removed == 1);
}

TEST_CASE("a reused tid replaces the stale thread and is counted") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(small_machine()).ok());
  // Thread 300 was seeded long ago (no clone time); a new clone hands out 300 again.
  auto meta = small_machine();
  capture::ThreadInfo old;
  old.tid = old.pid = 300;
  old.ptid = 1;
  old.comm = "oldproc";
  meta.threads.push_back(old);
  REQUIRE(inspector.seed(meta).ok());
  auto clone = clone_exit(100, 300, 100, 1, 0, "bash");
  inspector.process(clone.view(1));
  CHECK(inspector.threads().find(300)->comm == "bash");
  CHECK(inspector.threads().find(300)->ptid == 100);
  CHECK(inspector.stats().pid_reuse == 1);
}

TEST_CASE("the thread and fd tables never grow past their limits, and refusals are counted") {
  inspect::InspectorOptions opts;
  opts.max_threads = 3;
  opts.max_fds_per_process = 2;
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(small_machine()).ok());  // 2 threads
  for (int64_t tid = 500; tid < 510; ++tid) {
    TestEvent ev("read", Direction::Exit, tid);
    ev.set("res", enc_i64(0)).set("fd", enc_i64(0));
    const auto& ctx = inspector.process(ev.view(static_cast<uint64_t>(tid)));
    CHECK(ctx.event().tid() == tid);  // still delivered
  }
  CHECK(inspector.threads().size() == 3);
  CHECK(inspector.stats().threads_refused == 9);
  for (int64_t fd = 10; fd < 15; ++fd) {
    auto open = openat_exit(100, fd, -100, "/tmp/f", kORdonly);
    inspector.process(open.view(100 + static_cast<uint64_t>(fd)));
  }
  CHECK(inspector.threads().find(100)->files->fds.size() == 2);
  CHECK(inspector.stats().fds_refused == 4);
}

TEST_CASE("an absurdly large enter event is not remembered, and the exit still works") {
  inspect::InspectorOptions opts;
  opts.max_enter_event_bytes = 256;
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(small_machine()).ok());
  TestEvent big("open", Direction::Enter, 100);
  big.set("name", enc_str(std::string(4000, 'a')));
  inspector.process(big.view(2));
  CHECK(inspector.stats().enter_events_not_kept == 1);
  TestEvent exit("open", Direction::Exit, 100);
  exit.set("fd", enc_i64(-2)).set("name", enc_str("/nonexistent"));
  const auto& ctx = inspector.process(exit.view(3));
  CHECK(test::render(inspector, ctx, "%evt.res %fd.name") == "ENOENT /nonexistent");
}

TEST_CASE("two inspectors keep separate state") {
  inspect::Inspector a, b;
  REQUIRE(a.seed(small_machine()).ok());
  auto open = openat_exit(100, 3, -100, "/a", kORdonly);
  a.process(open.view(1));
  CHECK(a.threads().find(100)->files->fds.find(3) != nullptr);
  CHECK(b.threads().size() == 0);
}
