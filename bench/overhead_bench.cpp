// Cost of the live driver per syscall. Each workload (getppid, openat+close of /dev/null, a
// 64-byte write to /dev/null) runs three ways:
//   none      no capture at all
//   filtered  capture running, this syscall not in the interest set (dropped in the kernel)
//   captured  capture running and the syscall recorded; a consumer thread drains the buffers
// "ns added per syscall" is the difference to `none` in the CPU column: the benchmark thread's
// own CPU time, kernel time included, which stays meaningful on a loaded machine where the wall
// clock also counts time spent descheduled. Counters report drops and the sustained event rate.
// Needs root.
//
// The benchmark thread is pinned to one CPU and the consumer to the others, and unless told
// otherwise every case runs 9 times in random interleaved order and reports mean, median and
// spread, so a change in the machine's load hits all three modes alike.
#include <benchmark/benchmark.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "vigil/capture/live_source.h"

namespace {

using vigil::capture::DriverCounters;
using vigil::capture::EventView;
using vigil::capture::LiveSource;
using vigil::capture::NextStatus;

enum class Mode { None, Filtered, Captured };

// The CPU the benchmark thread runs on; the consumer gets every other online CPU.
int g_bench_cpu = 0;

void pin_to(bool bench_cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  for (int c = 0; c < n; c++)
    if ((c == g_bench_cpu) == bench_cpu) CPU_SET(c, &set);
  if (CPU_COUNT(&set) != 0) sched_setaffinity(0, sizeof set, &set);
}

// A running capture plus the thread that drains it.
class Capture {
 public:
  Capture(std::vector<std::string> syscalls) {
    vigil::capture::LiveOptions o;
    o.filter_self = false;
    o.interest.all = false;
    o.interest.state_events = false;
    o.interest.procexit = false;
    o.interest.syscalls = std::move(syscalls);
    auto src = LiveSource::open(o);
    if (!src) {
      std::fprintf(stderr, "live capture unavailable: %s\n", src.error().to_string().c_str());
      std::abort();
    }
    src_ = std::move(*src);
    consumer_ = std::thread([this] {
      pin_to(false);
      EventView e;
      for (;;) {
        NextStatus st = src_->next(e);
        if (st == NextStatus::EndOfStream || st == NextStatus::Failed) break;
        if (st == NextStatus::Event) consumed_.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  ~Capture() {
    src_->stop();
    consumer_.join();
  }
  DriverCounters totals() const {
    DriverCounters t;
    for (const auto& c : src_->counters()) {
      t.events += c.events;
      t.drops += c.drops;
      t.hits += c.hits;
    }
    return t;
  }
  uint64_t consumed() const { return consumed_.load(); }

 private:
  std::unique_ptr<LiveSource> src_;
  std::thread consumer_;
  std::atomic<uint64_t> consumed_{0};
};

template <typename Workload>
void run(benchmark::State& state, Mode mode, const char* syscall_name, Workload work) {
  std::unique_ptr<Capture> cap;
  // "filtered" enables an unrelated syscall so the programs are attached but this one is dropped.
  if (mode == Mode::Filtered) cap = std::make_unique<Capture>(std::vector<std::string>{"mknodat"});
  if (mode == Mode::Captured) cap = std::make_unique<Capture>(std::vector<std::string>{syscall_name});
  const DriverCounters before = cap ? cap->totals() : DriverCounters{};
  for (auto _ : state) work();
  state.SetItemsProcessed(state.iterations());
  if (cap) {
    const DriverCounters after = cap->totals();
    state.counters["events"] = static_cast<double>(after.events - before.events);
    state.counters["drops"] = static_cast<double>(after.drops - before.drops);
    state.counters["event_rate"] =
        benchmark::Counter(static_cast<double>(after.events - before.events), benchmark::Counter::kIsRate);
  }
}

void getppid_loop() { benchmark::DoNotOptimize(syscall(SYS_getppid)); }
void open_close_loop() {
  int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY));
  syscall(SYS_close, fd);
}
int g_devnull = -1;
void write_loop() {
  static const char buf[64] = {};
  benchmark::DoNotOptimize(syscall(SYS_write, g_devnull, buf, sizeof buf));
}

void BM_getppid(benchmark::State& s, Mode m) { run(s, m, "getppid", getppid_loop); }
void BM_open_close(benchmark::State& s, Mode m) { run(s, m, "openat", open_close_loop); }
void BM_write_devnull(benchmark::State& s, Mode m) {
  if (g_devnull < 0) g_devnull = open("/dev/null", O_WRONLY);
  run(s, m, "write", write_loop);
}

}  // namespace

BENCHMARK_CAPTURE(BM_getppid, none, Mode::None);
BENCHMARK_CAPTURE(BM_getppid, filtered, Mode::Filtered);
BENCHMARK_CAPTURE(BM_getppid, captured, Mode::Captured);
BENCHMARK_CAPTURE(BM_open_close, none, Mode::None);
BENCHMARK_CAPTURE(BM_open_close, filtered, Mode::Filtered);
BENCHMARK_CAPTURE(BM_open_close, captured, Mode::Captured);
BENCHMARK_CAPTURE(BM_write_devnull, none, Mode::None);
BENCHMARK_CAPTURE(BM_write_devnull, filtered, Mode::Filtered);
BENCHMARK_CAPTURE(BM_write_devnull, captured, Mode::Captured);

int main(int argc, char** argv) {
  pin_to(true);
  std::vector<char*> args(argv, argv + argc);
  bool repetitions_given = false;
  for (int i = 1; i < argc; i++)
    if (std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0) repetitions_given = true;
  std::string reps = "--benchmark_repetitions=9", interleave = "--benchmark_enable_random_interleaving=true",
              aggregates = "--benchmark_report_aggregates_only=true";
  if (!repetitions_given) {
    args.push_back(reps.data());
    args.push_back(interleave.data());
    args.push_back(aggregates.data());
  }
  int n = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
