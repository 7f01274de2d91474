// Faults of a live capture: full ring buffers, a stalled consumer, missing privileges, bad
// options. Each one is a clear error or a counted drop.
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include <fstream>

#include "live/bpf_driver.h"
#include "live_harness.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;

namespace {

capture::DriverCounters sum(const std::vector<capture::DriverCounters>& per_cpu) {
  capture::DriverCounters t;
  for (const auto& c : per_cpu) {
    t.hits += c.hits;
    t.events += c.events;
    t.drops += c.drops;
    t.failures += c.failures;
    t.truncations += c.truncations;
  }
  return t;
}

}  // namespace

TEST_CASE("a stalled consumer with small ring buffers loses events that are all counted as drops") {
  auto opts = test_options({"getppid"});
  opts.ring_buffer_bytes = 4 * static_cast<uint32_t>(sysconf(_SC_PAGESIZE));
  auto src = open_live(opts);
  REQUIRE(src->counters().size() >= 1);
  // Nobody consumes while 100k generic events are produced: the buffers fill up.
  for (int i = 0; i < 100000; i++) syscall(SYS_getppid);
  src->stop();
  capture::EventView e;
  uint64_t delivered = 0;
  capture::NextStatus st;
  while ((st = src->next(e)) == capture::NextStatus::Event) delivered++;
  REQUIRE(st == capture::NextStatus::EndOfStream);

  const auto total = sum(src->counters());
  CHECK(total.drops > 0);
  CHECK(total.events > 0);
  CHECK(total.failures == 0);
  // Every hit is accounted for: written or dropped.
  CHECK(total.hits == total.events + total.drops);
  // Everything written was delivered, and the source reports the drops.
  CHECK(delivered == total.events);
  CHECK(src->stats().events == delivered);
  CHECK(src->stats().dropped == total.drops);
  CHECK(src->stats().decode_failures == 0);
  // The buffers hold far fewer than were produced.
  CHECK(total.events < 100000);
}

TEST_CASE("a drained capture keeps up without drops and numbers its events") {
  auto opts = test_options({"getppid"});
  // Room for a concurrently running drop test's 100k events as well (ctest runs tests in parallel).
  opts.ring_buffer_bytes = 16u << 20;
  auto src = open_live(opts);
  const int64_t tid = current_tid();
  for (int i = 0; i < 1000; i++) syscall(SYS_getppid);
  emit_marker();
  uint64_t last_num = 0, last_ts = 0;
  bool ordered = true;
  auto events = collect_until_marker(*src, [&](const capture::EventView& e) {
    if (e.num() != last_num + 1) ordered = false;
    last_num = e.num();
    if (e.tid() == tid) {
      if (e.ts() < last_ts) ordered = false;
      last_ts = e.ts();
    }
    return e.tid() == tid && e.type() == 1;
  });
  CHECK(ordered);
  REQUIRE(events.size() == 1000);
  CHECK(events[0].param("ID").as_u16() == 41);        // ppm_sc code of getppid
  CHECK(events[0].param("nativeID").as_u16() == SYS_getppid);
  CHECK(sum(src->counters()).drops == 0);
  CHECK(src->stats().dropped == 0);
}

// Opens a live capture in a child process after `lose_privileges` ran there (it returns false
// when it could not), and returns the error message the child saw ("opened" if the capture
// opened). The test process keeps its own privileges.
template <typename LosePrivileges>
std::string open_error_in_child(LosePrivileges lose_privileges) {
  int pipefd[2];
  REQUIRE(pipe(pipefd) == 0);
  pid_t child = fork();
  if (child == 0) {
    close(pipefd[0]);
    if (!lose_privileges()) _exit(3);
    auto src = capture::LiveSource::open(test_options({"openat"}));
    std::string msg = src ? "opened" : src.error().to_string();
    (void)!write(pipefd[1], msg.data(), msg.size());
    _exit(0);
  }
  close(pipefd[1]);
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) msg.append(buf, n);
  close(pipefd[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return msg;
}

TEST_CASE("opening a live capture without CAP_BPF fails naming the missing capability") {
  // Drop to an unprivileged user: the effective capability set becomes empty.
  const std::string msg = open_error_in_child(
      [] { return setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0; });
  CHECK(msg.find("CAP_BPF") != std::string::npos);
  CHECK(msg.find("CAP_PERFMON") != std::string::npos);
}

// The error a child sees when its effective capability set lost `drop` (it is still uid 0).
std::string open_error_without_caps(std::initializer_list<int> drop) {
  return open_error_in_child([drop] {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (syscall(SYS_capget, &hdr, data) != 0) return false;
    for (int cap : drop) data[cap / 32].effective &= ~(1u << (cap % 32));
    return syscall(SYS_capset, &hdr, data) == 0;
  });
}

TEST_CASE("root without CAP_BPF (and CAP_SYS_ADMIN) is told exactly that capability is missing") {
  constexpr int kSysAdmin = 21, kBpf = 39;
  const std::string msg = open_error_without_caps({kBpf, kSysAdmin});
  CHECK(msg.find("lacks CAP_BPF") != std::string::npos);
  CHECK(msg.find("and CAP_PERFMON") == std::string::npos);
}

TEST_CASE("root without CAP_PERFMON (and CAP_SYS_ADMIN) is told exactly that capability is missing") {
  constexpr int kSysAdmin = 21, kPerfmon = 38;
  const std::string msg = open_error_without_caps({kPerfmon, kSysAdmin});
  CHECK(msg.find("lacks CAP_PERFMON") != std::string::npos);
  CHECK(msg.find("lacks CAP_BPF") == std::string::npos);
}

TEST_CASE("a kernel BTF file that does not exist is refused with an error naming the file") {
  auto opts = test_options({"openat"});
  opts.kernel_btf_path = temp_dir() + "/no-such-vmlinux";
  auto src = capture::LiveSource::open(opts);
  REQUIRE_FALSE(src);
  CHECK(src.error().message.find("cannot read the kernel BTF file " + opts.kernel_btf_path) != std::string::npos);
  CHECK(src.error().message.find("No such file") != std::string::npos);
}

TEST_CASE("a kernel BTF file that holds no BTF fails the load with an error naming the file") {
  auto opts = test_options({"openat"});
  opts.kernel_btf_path = temp_dir() + "/not-btf";
  std::ofstream(opts.kernel_btf_path) << "this is not BTF\n";
  auto src = capture::LiveSource::open(opts);
  REQUIRE_FALSE(src);
  INFO(src.error().message);
  CHECK(src.error().message.find(opts.kernel_btf_path) != std::string::npos);
  CHECK(src.error().message.find("BTF") != std::string::npos);
}

TEST_CASE("the running kernel's BTF file given explicitly loads the driver like the default") {
  auto opts = test_options({"getppid"});
  opts.kernel_btf_path = "/sys/kernel/btf/vmlinux";
  auto src = open_live(opts);
  const int64_t tid = current_tid();
  syscall(SYS_getppid);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const capture::EventView& e) { return e.tid() == tid && e.type() == 1; });
  CHECK(events.size() == 1);
}

TEST_CASE("a driver program the verifier rejects fails the load with the verifier's log") {
  auto d = capture::live::BpfDriver::load(test_options({"openat"}), {.reject_in_verifier = true});
  REQUIRE_FALSE(d);
  const std::string& m = d.error().message;
  INFO(m);
  CHECK(m.find("the kernel rejected the BPF driver") != std::string::npos);
  CHECK(m.find("vigil_sys_exit") != std::string::npos);
  // The verifier's own log is part of the message.
  CHECK(m.find("PROG LOAD LOG") != std::string::npos);
}

TEST_CASE("a ring buffer size that is not a power of two is rejected with a clear error") {
  auto opts = test_options({"openat"});
  opts.ring_buffer_bytes = 3 * 4096;
  auto src = capture::LiveSource::open(opts);
  REQUIRE_FALSE(src);
  CHECK(src.error().message.find("power of two") != std::string::npos);
}

TEST_CASE("several ring buffers can serve groups of CPUs") {
  auto opts = test_options({"getppid"});
  opts.cpus_per_ring_buffer = 64;
  auto src = open_live(opts);
  CHECK(src->ring_buffer_count() == 1);
  const int64_t tid = current_tid();
  for (int i = 0; i < 10; i++) syscall(SYS_getppid);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const capture::EventView& e) { return e.tid() == tid && e.type() == 1; });
  CHECK(events.size() == 10);
}
