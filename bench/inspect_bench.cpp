// Inspector throughput: state updates, field extraction and formatting over the events of every
// shared capture (held in memory and replayed in a loop, so the numbers are about the inspector,
// not about reading files), plus memory per thread and per fd entry and heap allocations per
// event in steady state.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../tests/inspect/event_builder.h"

#include "vigil/capture/scap_reader.h"
#include "vigil/inspect/formatter.h"
#include "vigil/inspect/inspector.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
std::atomic<uint64_t> g_allocated_bytes{0};
}  // namespace

[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  g_allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace vigil;

struct StoredEvent {
  std::vector<uint8_t> record;
  std::vector<uint32_t> offsets;
  uint16_t cpu;
  uint32_t dump_flags;
  const capture::EventInfo* info;
};

struct Corpus {
  capture::CaptureMetadata metadata;  // of the biggest capture
  std::vector<StoredEvent> events;
};

bool lifecycle(const capture::EventInfo* info) {
  if (!info) return false;
  const std::string_view n = info->name;
  return n == "clone" || n == "clone3" || n == "fork" || n == "vfork" || n == "execve" || n == "execveat" ||
         n == "procexit" || n == "container";
}

// Every event of every shared capture, in the given mode; optionally without the process
// lifecycle and container events, whose state changes allocate by nature (new threads, new
// argument lists, parsed container JSON): what remains is the steady state.
const Corpus& corpus(capture::ReadMode mode, bool without_lifecycle = false) {
  static Corpus corpora[4];
  Corpus& c = corpora[(mode == capture::ReadMode::Raw) + 2 * without_lifecycle];
  if (!c.events.empty()) return c;
  const std::string dir = std::string(VIGIL_SHARED_DIR) + "/captures";
  size_t best = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto reader = capture::ScapReader::open(entry.path().string(), {mode});
    if (!reader.ok()) continue;
    if ((*reader)->metadata().threads.size() > best) {
      best = (*reader)->metadata().threads.size();
      c.metadata = (*reader)->metadata();
    }
    capture::EventView ev;
    while ((*reader)->next(ev) == capture::NextStatus::Event) {
      if (without_lifecycle && lifecycle(ev.info())) continue;
      StoredEvent s;
      s.record.assign(ev.record().begin(), ev.record().end());
      s.offsets.resize(ev.nparams() + 1);
      uint32_t end = capture::EventView::kHeaderSize;
      for (uint32_t i = 0; i < ev.nparams(); ++i) {
        auto p = ev.param(i);
        s.offsets[i] = p.data() ? static_cast<uint32_t>(p.data() - ev.record().data()) : end;
        end = s.offsets[i] + p.size();
      }
      s.offsets[ev.nparams()] = end;
      s.cpu = ev.cpu();
      s.dump_flags = ev.dump_flags();
      s.info = ev.info();
      c.events.push_back(std::move(s));
    }
  }
  return c;
}

constexpr std::string_view kRuleFormat =
    "%evt.type %proc.name %proc.pname %proc.aname[2] %proc.cmdline %proc.exepath %fd.name %fd.typechar "
    "%fd.sip %fd.sport %user.name %container.id %evt.is_open_read %evt.res";

void run(benchmark::State& state, capture::ReadMode mode, int work, bool without_lifecycle = false) {
  const Corpus& c = corpus(mode, without_lifecycle);
  inspect::InspectorOptions opts;
  inspect::Inspector inspector(opts);
  if (!inspector.seed(c.metadata).ok()) state.SkipWithError("seed failed");
  auto rules = inspect::Formatter::compile(std::string("*") + std::string(kRuleFormat), inspector.fields());
  auto line = inspect::Formatter::compile(
      "*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info", inspector.fields());
  // Bound fields for the extraction-only variant.
  std::vector<std::unique_ptr<inspect::BoundField>> fields;
  for (const char* name : {"evt.type", "proc.name", "proc.pname", "proc.cmdline", "proc.exepath", "fd.name",
                           "fd.typechar", "fd.sip", "fd.sport", "user.name", "container.id", "evt.is_open_read",
                           "evt.res", "proc.aname"}) {
    fields.push_back(std::move(inspector.fields().bind(name, std::nullopt).value()));
  }
  inspect::FieldValues values;
  std::string out;
  out.reserve(1 << 16);
  uint64_t num = 0;
  // One warm-up pass so that tables and scratch buffers reach their steady size.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& e : c.events) {
      const auto& ctx = inspector.process(capture::EventView(e.record.data(), e.offsets.data(), e.cpu, e.dump_flags, ++num, e.info));
      for (const auto& f : fields) f->extract(ctx, values);
      out.clear();
      rules->format(ctx, out);
      out.clear();
      line->format(ctx, out);
    }
  }
  const uint64_t allocs_before = g_allocations.load();
  uint64_t processed = 0;
  for (auto _ : state) {
    for (const auto& e : c.events) {
      const auto& ctx = inspector.process(capture::EventView(e.record.data(), e.offsets.data(), e.cpu, e.dump_flags, ++num, e.info));
      if (work == 1) {
        for (const auto& f : fields) {
          f->extract(ctx, values);
          benchmark::DoNotOptimize(values);
        }
      } else if (work == 2) {
        out.clear();
        line->format(ctx, out);
        benchmark::DoNotOptimize(out.data());
      }
    }
    processed += c.events.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(processed));
  state.counters["events"] = static_cast<double>(c.events.size());
  state.counters["allocs_per_event"] =
      processed ? static_cast<double>(g_allocations.load() - allocs_before) / static_cast<double>(processed) : 0;
}

void BM_StateUpdate_Normalized(benchmark::State& s) { run(s, capture::ReadMode::Normalized, 0); }
void BM_StateUpdate_Raw(benchmark::State& s) { run(s, capture::ReadMode::Raw, 0); }
void BM_StateAndExtract14Fields_Normalized(benchmark::State& s) { run(s, capture::ReadMode::Normalized, 1); }
void BM_StateAndExtract14Fields_SteadyState(benchmark::State& s) {
  run(s, capture::ReadMode::Normalized, 1, true);
}
void BM_StateAndDefaultLine_Raw(benchmark::State& s) { run(s, capture::ReadMode::Raw, 2); }

// Heap bytes per thread entry and per fd entry: seed N threads with M fds each and divide.
void BM_MemoryPerEntry(benchmark::State& state) {
  capture::CaptureMetadata meta;
  constexpr int kThreads = 2000, kFdsPer = 8;
  for (int i = 0; i < kThreads; ++i) {
    capture::ThreadInfo t;
    t.tid = t.pid = 1000 + i;
    t.ptid = 1;
    t.comm = "worker";
    t.exe = "/usr/bin/worker";
    t.exepath = "/usr/bin/worker";
    t.args = {"--serve", "--port=8080"};
    t.cwd = "/srv/app";
    t.cgroups = {"cpu=/system.slice/app.service", "memory=/system.slice/app.service"};
    meta.threads.push_back(t);
    capture::FdList fl;
    fl.tid = t.tid;
    for (int f = 0; f < kFdsPer; ++f) {
      capture::FdInfo fd;
      fd.fd = f;
      fd.type = capture::FdType::File;
      fd.name = "/var/lib/app/data-" + std::to_string(f) + ".db";
      fl.fds.push_back(fd);
    }
    meta.fd_lists.push_back(fl);
  }
  double per_thread = 0, per_fd = 0;
  for (auto _ : state) {
    capture::CaptureMetadata threads_only = meta;
    threads_only.fd_lists.clear();
    {
      inspect::Inspector a;
      const uint64_t before = g_allocated_bytes.load();
      (void)a.seed(threads_only);
      per_thread = static_cast<double>(g_allocated_bytes.load() - before) / kThreads;
    }
    {
      inspect::Inspector b;
      const uint64_t before = g_allocated_bytes.load();
      (void)b.seed(meta);
      const double with_fds = static_cast<double>(g_allocated_bytes.load() - before);
      per_fd = (with_fds - per_thread * kThreads) / (kThreads * kFdsPer);
    }
  }
  state.counters["heap_bytes_per_thread"] = per_thread;
  state.counters["heap_bytes_per_fd"] = per_fd;
  state.counters["sizeof_ThreadState"] = sizeof(inspect::ThreadState);
  state.counters["sizeof_FdState"] = sizeof(inspect::FdState);
}

// fd.realpath on the live path: an open event of this process on a real file in a temporary
// directory, then the field extracted. Arg `spelling`: how the path was spelled (0 the file itself,
// 1 through a symlink, 2 through "dirlink/.."). Arg `mode`: 0 the component walk with no
// inspector-wide cache (fd.realpath as first written: every fd resolved from scratch), 1 first
// sight of a file (openat2, no cache), 2 the default options, where every extraction after the
// first is a cache hit, 3 the file watched with Inspector::watch_path() (the pinned path: one hash
// probe on the open's dev/ino, no filesystem access). Spelling 3 is a name that no longer exists
// (a symlink removed right after the open), which only a watched file survives. The baseline is the same event with fd.name extracted: subtract it to get
// the cost of fd.realpath itself.
struct RealPathTree {
  std::string root;
  std::string secret;
  RealPathTree() {
    char tmpl[] = "/tmp/vigil-realpath-bench-XXXXXX";
    root = ::mkdtemp(tmpl);
    secret = root + "/real/secret";
    ::mkdir((root + "/real").c_str(), 0700);
    ::mkdir((root + "/real/inner").c_str(), 0700);
    const int fd = ::open(secret.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    ::close(fd);
    (void)::symlink("real/secret", (root + "/link").c_str());
    (void)::symlink((root + "/real/inner").c_str(), (root + "/dirlink").c_str());
  }
  ~RealPathTree() {
    for (const char* p : {"/link", "/dirlink", "/real/secret", "/real/inner", "/real"})
      (void)::remove((root + p).c_str());
    (void)::rmdir(root.c_str());
  }
};

void realpath_extraction(benchmark::State& state, const char* field) {
  static RealPathTree tree;
  const char* spellings[] = {"/real/secret", "/link", "/dirlink/../secret", "/removed-link"};
  const std::string path = tree.root + spellings[state.range(0)];
  struct stat st {};
  if (::stat(tree.secret.c_str(), &st) != 0) state.SkipWithError("no file");
  const uint32_t ma = major(st.st_dev), mi = minor(st.st_dev);
  const uint32_t dev = (mi & 0xffu) | (ma << 8) | ((mi & ~0xffu) << 12);

  capture::CaptureMetadata meta;
  capture::ThreadInfo me;
  me.tid = me.pid = ::getpid();
  me.ptid = ::getppid();
  me.comm = me.exe = "inspect_bench";
  me.cwd = tree.root;
  me.root = "/";
  meta.threads = {me};
  inspect::InspectorOptions opts;
  opts.realpath_openat2 = state.range(1) != 0;
  opts.realpath_cache_entries = state.range(1) >= 2 ? 4096 : 0;
  inspect::Inspector inspector(opts);
  if (!inspector.seed(meta, inspect::StateOrigin::LiveHost).ok()) state.SkipWithError("seed failed");
  if (state.range(1) == 3 && !inspector.watch_path(tree.secret).ok()) state.SkipWithError("watch_path failed");
  test::TestEvent ev("openat", capture::Direction::Exit, ::getpid());
  ev.set("fd", test::enc_i64(7)).set("dirfd", test::enc_i64(-100)).set("name", test::enc_str(path))
      .set("flags", test::enc_u32(1)).set("dev", test::enc_u32(dev)).set("ino", test::enc_u64(st.st_ino));
  const capture::EventView view = ev.view();
  auto bound = inspector.fields().bind(field, std::nullopt);
  if (!bound.ok()) state.SkipWithError("no field");
  inspect::FieldValues values;
  inspector.process(view);
  bound.value()->extract(inspector.process(view), values);
  if (values.empty() || values[0].str != tree.secret) state.SkipWithError("wrong fd.realpath");
  const uint64_t allocs_before = g_allocations.load();
  for (auto _ : state) {
    const auto& ctx = inspector.process(view);  // a new open on fd 7: the per-fd answer is gone
    bound.value()->extract(ctx, values);
    benchmark::DoNotOptimize(values);
  }
  state.counters["allocs_per_extraction"] =
      static_cast<double>(g_allocations.load() - allocs_before) / static_cast<double>(state.iterations());
  state.counters["cache_hits"] = static_cast<double>(inspector.stats().realpath_cache_hits);
  state.counters["pinned_hits"] = static_cast<double>(inspector.stats().realpath_pinned_hits);
}

void BM_FdRealpath(benchmark::State& s) { realpath_extraction(s, "fd.realpath"); }
void BM_FdRealpath_Baseline_FdName(benchmark::State& s) { realpath_extraction(s, "fd.name"); }

}  // namespace

BENCHMARK(BM_FdRealpath)->ArgNames({"spelling", "mode"})->ArgsProduct({{0, 1, 2}, {0, 1, 2}});
BENCHMARK(BM_FdRealpath)->ArgNames({"spelling", "mode"})->ArgsProduct({{0, 1, 2, 3}, {3}});
BENCHMARK(BM_FdRealpath_Baseline_FdName)->ArgNames({"spelling", "mode"})->Args({0, 0});
BENCHMARK(BM_StateUpdate_Normalized);
BENCHMARK(BM_StateUpdate_Raw);
BENCHMARK(BM_StateAndExtract14Fields_Normalized);
BENCHMARK(BM_StateAndExtract14Fields_SteadyState);
BENCHMARK(BM_StateAndDefaultLine_Raw);
BENCHMARK(BM_MemoryPerEntry)->Iterations(1);
BENCHMARK_MAIN();
