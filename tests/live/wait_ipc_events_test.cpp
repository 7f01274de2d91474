// Live capture of waiting, System V semaphores, quotactl, fsconfig, prctl, signalfd, io_uring,
// cross-process memory access and sendfile: each syscall gets its dedicated event with every
// parameter of the newest schema.
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/mount.h>
#include <linux/quota.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

#include "live_harness.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;
using capture::EventView;

namespace {

constexpr uint16_t kPollX = 81, kPpollX = 255, kSemgetX = 263, kSemopX = 251, kSemctlX = 253, kQuotactlX = 191,
                   kFsconfigX = 373, kPrctlX = 401, kSignalfdX = 127, kSignalfd4X = 399, kIoUringEnterX = 341,
                   kProcessVmReadvX = 421, kProcessVmWritevX = 423, kSendfileX = 189;

std::string text(const capture::ParamView& p) { return std::string(reinterpret_cast<const char*>(p.data()), p.size()); }

std::vector<CapturedEvent> my_events(capture::LiveSource& src, std::initializer_list<uint16_t> types) {
  const int64_t tid = current_tid();
  return collect_until_marker(src, [&](const EventView& e) {
    if (e.tid() != tid) return false;
    for (uint16_t t : types)
      if (e.type() == t) return true;
    return false;
  });
}

}  // namespace

TEST_CASE("poll and ppoll report the fds with their returned events, the timeout and the signal mask") {
  auto src = open_live(test_options({"poll", "ppoll"}));
  int p[2];
  REQUIRE(pipe(p) == 0);
  REQUIRE(write(p[1], "x", 1) == 1);
  pollfd fds[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
  REQUIRE(poll(fds, 2, 5) == 2);
  // Only the requested events (and errors) come back.
  REQUIRE(fds[0].revents == POLLIN);
  REQUIRE(fds[1].revents == POLLOUT);
  timespec ts{1, 500};
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  REQUIRE(ppoll(fds, 1, &ts, &mask) == 1);
  close(p[0]);
  close(p[1]);
  emit_marker();
  auto events = my_events(*src, {kPollX, kPpollX});
  REQUIRE(events.size() == 2);
  const auto& pl = events[0];
  CHECK(pl.type() == kPollX);
  CHECK(pl.param("res").as_i64() == 2);
  CHECK(pl.param("timeout").as_i64() == 5);
  auto list = pl.param("fds");
  REQUIRE(list.fdlist_count() == 2);
  int64_t fd = 0;
  int16_t flags = 0;
  REQUIRE(list.fdlist_entry(0, fd, flags));
  CHECK(fd == p[0]);
  CHECK(flags == 1);  // PPM_POLLIN
  REQUIRE(list.fdlist_entry(1, fd, flags));
  CHECK(fd == p[1]);
  CHECK(flags == 4);  // PPM_POLLOUT

  const auto& pp = events[1];
  CHECK(pp.type() == kPpollX);
  CHECK(pp.param("res").as_i64() == 1);
  CHECK(pp.param("fds").fdlist_count() == 1);
  // Read when the call returns, like the reference drivers: the kernel has written the time left
  // back into the timespec by then.
  CHECK(pp.param("timeout").as_u64() <= 1000000500ull);
  CHECK(pp.param("timeout").as_u64() >= 900000000ull);
  CHECK(pp.param("sigmask").as_u32() == (1u << (SIGUSR1 - 1)));
}

TEST_CASE("semget, semop and semctl report keys, operations, commands and values in PPM encoding") {
  auto src = open_live(test_options({"semget", "semop", "semctl"}));
  const int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
  REQUIRE(id >= 0);
  REQUIRE(semctl(id, 1, SETVAL, 7) == 0);
  sembuf ops[2] = {{0, 1, SEM_UNDO}, {1, -2, IPC_NOWAIT}};
  // glibc's semop() is semtimedop(2) underneath; the semop event belongs to semop(2).
  REQUIRE(syscall(SYS_semop, id, ops, 2) == 0);
  REQUIRE(semctl(id, 0, IPC_RMID) == 0);
  emit_marker();
  auto events = my_events(*src, {kSemgetX, kSemopX, kSemctlX});
  REQUIRE(events.size() == 4);
  const auto& get = events[0];
  CHECK(get.type() == kSemgetX);
  CHECK(get.param("res").as_i64() == id);
  CHECK(get.param("key").as_i64() == 0);  // IPC_PRIVATE
  CHECK(get.param("nsems").as_i64() == 2);
  CHECK(get.param("semflg").as_u32() == (1u << 13));  // PPM_IPC_CREAT

  const auto& setval = events[1];
  CHECK(setval.type() == kSemctlX);
  CHECK(setval.param("semid").as_i64() == id);
  CHECK(setval.param("semnum").as_i64() == 1);
  CHECK(setval.param("cmd").as_u16() == (1u << 12));  // PPM_SETVAL
  CHECK(setval.param("val").as_i64() == 7);

  const auto& op = events[2];
  CHECK(op.type() == kSemopX);
  CHECK(op.param("res").as_i64() == 0);
  CHECK(op.param("nsops").as_u32() == 2);
  CHECK(op.param("sem_num_0").as_u16() == 0);
  CHECK(op.param("sem_op_0").as_i64() == 1);
  CHECK(op.param("sem_flg_0").as_u16() == 2);  // PPM_SEM_UNDO
  CHECK(op.param("sem_num_1").as_u16() == 1);
  CHECK(op.param("sem_op_1").as_i64() == -2);
  CHECK(op.param("sem_flg_1").as_u16() == 1);  // PPM_IPC_NOWAIT
  CHECK(op.param("semid").as_i64() == id);

  const auto& rm = events[3];
  CHECK(rm.param("cmd").as_u16() == (1u << 2));  // PPM_IPC_RMID
  CHECK(rm.param("val").as_i64() == 0);
}

TEST_CASE("quotactl reports the command, type, id, special file, quota file and quota block") {
  auto src = open_live(test_options({"quotactl"}));
  const std::string special = "/dev/vigil-no-such-device";
  if_dqblk dq{};
  dq.dqb_bhardlimit = 100;
  dq.dqb_bsoftlimit = 50;
  dq.dqb_curspace = 77;  // not marked valid: reported as 0
  dq.dqb_valid = QIF_BLIMITS;
  REQUIRE(syscall(SYS_quotactl, QCMD(Q_GETQUOTA, USRQUOTA), special.c_str(), 1234, &dq) == -1);
  const std::string qfile = temp_dir() + "/aquota.group";
  REQUIRE(syscall(SYS_quotactl, QCMD(Q_QUOTAON, GRPQUOTA), special.c_str(), QFMT_VFS_V0, qfile.c_str()) == -1);
  emit_marker();
  auto events = my_events(*src, {kQuotactlX});
  REQUIRE(events.size() == 2);
  const auto& get = events[0];
  CHECK(get.param("res").as_i64() < 0);
  CHECK(get.param("special").as_string() == special);
  CHECK(get.param("quotafilepath").empty());
  CHECK(get.param("dqb_bhardlimit").as_u64() == 100);
  CHECK(get.param("dqb_bsoftlimit").as_u64() == 50);
  CHECK(get.param("dqb_curspace").as_u64() == 0);
  CHECK(get.param("cmd").as_u16() == (1u << 5));  // PPM_Q_GETQUOTA
  CHECK(get.param("type").as_u8() == 1);          // PPM_USRQUOTA
  CHECK(get.param("id").as_u32() == 1234);
  CHECK(get.param("quota_fmt").as_u8() == 1);     // PPM_QFMT_NOT_USED
  CHECK(get.param("quota_fmt_out").as_u8() == 1);

  const auto& on = events[1];
  CHECK(on.param("cmd").as_u16() == 1);           // PPM_Q_QUOTAON
  CHECK(on.param("type").as_u8() == 2);           // PPM_GRPQUOTA
  CHECK(on.param("quotafilepath").as_string() == qfile);
  CHECK(on.param("quota_fmt").as_u8() == (1u << 2));  // PPM_QFMT_VFS_V0
  CHECK(on.param("id").as_u32() == 0);
  CHECK(on.param("dqb_bhardlimit").as_u64() == 0);
}

TEST_CASE("fsconfig reports the key and a string value of a filesystem context") {
  auto src = open_live(test_options({"fsconfig"}));
  const int fs = static_cast<int>(syscall(__NR_fsopen, "tmpfs", 0));
  REQUIRE(fs >= 0);
  REQUIRE(syscall(__NR_fsconfig, fs, FSCONFIG_SET_STRING, "size", "1m", 0) == 0);
  REQUIRE(syscall(__NR_fsconfig, fs, FSCONFIG_SET_FLAG, "no-such-flag", nullptr, 0) == -1);
  close(fs);
  emit_marker();
  auto events = my_events(*src, {kFsconfigX});
  REQUIRE(events.size() == 2);
  CHECK(events[0].param("res").as_i64() == 0);
  CHECK(events[0].param("fd").as_i64() == fs);
  CHECK(events[0].param("cmd").as_u32() == FSCONFIG_SET_STRING);
  CHECK(events[0].param("key").as_string() == "size");
  CHECK(events[0].param("value_charbuf").as_string() == "1m");
  CHECK(events[0].param("value_bytebuf").empty());
  CHECK(events[0].param("aux").as_i64() == 0);
  CHECK(events[1].param("res").as_i64() < 0);
  CHECK(events[1].param("cmd").as_u32() == FSCONFIG_SET_FLAG);
  CHECK(events[1].param("key").as_string() == "no-such-flag");
  CHECK(events[1].param("value_charbuf").empty());
}

TEST_CASE("prctl reports a thread name as a string and other arguments as integers") {
  auto src = open_live(test_options({"prctl"}));
  int64_t tid = 0;
  int subreaper = -1;
  int rc[3] = {-1, -1, -1};
  // A helper thread, so renaming it leaves the test process's name alone.
  std::thread t([&] {
    tid = current_tid();
    rc[0] = prctl(PR_SET_NAME, "vigil-prctl");
    rc[1] = prctl(PR_SET_CHILD_SUBREAPER, 0);
    rc[2] = prctl(PR_GET_CHILD_SUBREAPER, &subreaper);
    emit_marker();
  });
  t.join();
  REQUIRE(rc[0] == 0);
  REQUIRE(rc[1] == 0);
  REQUIRE(rc[2] == 0);
  auto events = collect_until_marker(*src, [&](const EventView& e) { return e.tid() == tid && e.type() == kPrctlX; });
  REQUIRE(events.size() == 3);
  CHECK(events[0].param("option").as_u32() == PR_SET_NAME);
  CHECK(events[0].param("arg2_str").as_string() == "vigil-prctl");
  CHECK(events[0].param("arg2_int").as_i64() == 0);
  CHECK(events[1].param("option").as_u32() == PR_SET_CHILD_SUBREAPER);
  CHECK(events[1].param("arg2_str").empty());
  CHECK(events[1].param("arg2_int").as_i64() == 0);
  CHECK(events[2].param("option").as_u32() == PR_GET_CHILD_SUBREAPER);
  CHECK(events[2].param("arg2_int").as_i64() == subreaper);
}

TEST_CASE("signalfd and signalfd4 report the signal mask") {
  auto src = open_live(test_options({"signalfd", "signalfd4"}));
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  sigaddset(&mask, SIGHUP);
  const int a = static_cast<int>(syscall(SYS_signalfd, -1, &mask, 8));
  REQUIRE(a >= 0);
  const int b = signalfd(-1, &mask, SFD_CLOEXEC);
  REQUIRE(b >= 0);
  close(a);
  close(b);
  emit_marker();
  auto events = my_events(*src, {kSignalfdX, kSignalfd4X});
  REQUIRE(events.size() == 2);
  const uint32_t want = (1u << (SIGUSR1 - 1)) | (1u << (SIGHUP - 1));
  CHECK(events[0].type() == kSignalfdX);
  CHECK(events[0].param("res").as_i64() == a);
  CHECK(events[0].param("fd").as_i64() == -1);
  CHECK(events[0].param("mask").as_u32() == want);
  CHECK(events[0].param("flags").as_u8() == 0);
  CHECK(events[1].type() == kSignalfd4X);
  CHECK(events[1].param("mask").as_u32() == want);
  CHECK(events[1].param("flags").as_u16() == 4096);  // PPM_O_CLOEXEC
}

TEST_CASE("io_uring_enter reports its counts, flags and signal mask") {
  auto src = open_live(test_options({"io_uring_enter"}));
  io_uring_params params{};
  const int ring = static_cast<int>(syscall(__NR_io_uring_setup, 4, &params));
  REQUIRE(ring >= 0);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR2);
  REQUIRE(syscall(__NR_io_uring_enter, ring, 0, 0, IORING_ENTER_GETEVENTS, &mask, 8) == 0);
  close(ring);
  emit_marker();
  auto events = my_events(*src, {kIoUringEnterX});
  REQUIRE(events.size() == 1);
  CHECK(events[0].param("res").as_i64() == 0);
  CHECK(events[0].param("fd").as_i64() == ring);
  CHECK(events[0].param("to_submit").as_u32() == 0);
  CHECK(events[0].param("min_complete").as_u32() == 0);
  CHECK(events[0].param("flags").as_u32() == 1);  // PPM_IORING_ENTER_GETEVENTS
  CHECK(events[0].param("sig").as_u32() == (1u << (SIGUSR2 - 1)));
}

TEST_CASE("process_vm_readv and process_vm_writev report the pid and the data moved") {
  auto src = open_live(test_options({"process_vm_readv", "process_vm_writev"}));
  char secret[] = "secret-data";
  char got[32] = {};
  iovec local{got, sizeof got}, remote{secret, 11};
  REQUIRE(process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 11);
  char payload[] = "written", target[16] = {};
  iovec from{payload, 7}, to{target, sizeof target};
  REQUIRE(process_vm_writev(getpid(), &from, 1, &to, 1, 0) == 7);
  emit_marker();
  auto events = my_events(*src, {kProcessVmReadvX, kProcessVmWritevX});
  REQUIRE(events.size() == 2);
  CHECK(events[0].type() == kProcessVmReadvX);
  CHECK(events[0].param("res").as_i64() == 11);
  CHECK(events[0].param("pid").as_i64() == getpid());
  CHECK(text(events[0].param("data")) == "secret-data");
  CHECK(events[1].type() == kProcessVmWritevX);
  CHECK(events[1].param("res").as_i64() == 7);
  CHECK(text(events[1].param("data")) == "written");
}

TEST_CASE("sendfile reports the file offset after the copy") {
  auto src = open_live(test_options({"sendfile"}));
  const std::string path = temp_dir() + "/sendfile-src";
  std::ofstream(path) << std::string(100, 'v');
  const int in = open(path.c_str(), O_RDONLY);
  const int out = open("/dev/null", O_WRONLY);
  REQUIRE(in >= 0);
  REQUIRE(out >= 0);
  off_t off = 10;
  REQUIRE(sendfile(out, in, &off, 20) == 20);
  REQUIRE(off == 30);
  close(in);
  close(out);
  emit_marker();
  auto events = my_events(*src, {kSendfileX});
  REQUIRE(events.size() == 1);
  CHECK(events[0].param("res").as_i64() == 20);
  CHECK(events[0].param("offset").as_u64() == 30);
  CHECK(events[0].param("out_fd").as_i64() == out);
  CHECK(events[0].param("in_fd").as_i64() == in);
  CHECK(events[0].param("size").as_u64() == 20);
}
