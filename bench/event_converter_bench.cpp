// Cost of the normalizing converter per record: the pass-through check that every newest-layout
// event pays, and the enter/exit merge that 2022-era captures need.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "vigil/capture/scap_reader.h"

// The converter is internal to libcapture; its header has no internal dependencies.
#include "../libcapture/scap/event_converter.h"

// Every operator new in this benchmark program is counted, so the converter benchmarks can report
// heap allocations per record (expected: 0 once the per-thread slots exist).
namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// All out of line so the compiler never pairs an inlined malloc()/free() with a new/delete.
[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using Bytes = std::vector<uint8_t>;
using vigil::capture::detail::EventConverter;

template <typename T>
void put(Bytes& b, T v) {
  const size_t at = b.size();
  b.resize(at + sizeof v);
  std::memcpy(b.data() + at, &v, sizeof v);
}

// A v2 record with 2-byte parameter lengths.
Bytes record(uint16_t type, int64_t tid, const std::vector<Bytes>& params) {
  uint32_t len = 26 + static_cast<uint32_t>(params.size()) * 2;
  for (const Bytes& p : params) len += static_cast<uint32_t>(p.size());
  Bytes r;
  put<uint64_t>(r, 1);
  put<int64_t>(r, tid);
  put<uint32_t>(r, len);
  put<uint16_t>(r, type);
  put<uint32_t>(r, static_cast<uint32_t>(params.size()));
  for (const Bytes& p : params) put<uint16_t>(r, static_cast<uint16_t>(p.size()));
  for (const Bytes& p : params) r.insert(r.end(), p.begin(), p.end());
  return r;
}

template <typename T>
Bytes value(T v) {
  Bytes b;
  put(b, v);
  return b;
}

void run(benchmark::State& state, const std::vector<Bytes>& stream) {
  EventConverter converter;
  std::span<const uint8_t> out;
  std::string message;
  size_t delivered = 0;
  // One warm-up pass creates the per-thread slots; allocations are counted from then on.
  for (const Bytes& r : stream) converter.convert(r, out, message);
  const uint64_t allocations_before = g_allocations.load();
  for (auto _ : state) {
    for (const Bytes& r : stream) delivered += converter.convert(r, out, message) != EventConverter::Outcome::Drop;
  }
  benchmark::DoNotOptimize(delivered);
  const uint64_t records = state.iterations() * stream.size();
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.counters["allocs_per_record"] =
      static_cast<double>(g_allocations.load() - allocations_before) / static_cast<double>(records);
}

// Newest-layout read exits (res, data, fd, size): classified and passed untouched.
void BM_ConvertNewestLayoutPasses(benchmark::State& state) {
  std::vector<Bytes> stream;
  for (int64_t tid = 1; tid <= 64; ++tid)
    stream.push_back(record(7, tid, {value<int64_t>(80), Bytes(80, 'x'), value<int64_t>(3), value<uint32_t>(4096)}));
  run(state, stream);
}
BENCHMARK(BM_ConvertNewestLayoutPasses);

// 2022 read enter + 2-parameter exit pairs on 64 threads: store, then merge into a 4-param exit.
void BM_ConvertMergesEnterIntoExit(benchmark::State& state) {
  std::vector<Bytes> stream;
  for (int64_t tid = 1; tid <= 64; ++tid) {
    stream.push_back(record(6, tid, {value<int64_t>(3), value<uint32_t>(4096)}));
    stream.push_back(record(7, tid, {value<int64_t>(80), Bytes(80, 'x')}));
  }
  run(state, stream);
}
BENCHMARK(BM_ConvertMergesEnterIntoExit);

// A 2022 execve exit (16 params) upgraded through five ids and twelve appends to 31 params.
void BM_ConvertUpgradesOldExecve(benchmark::State& state) {
  std::vector<Bytes> params(16, value<uint64_t>(1));
  params[1] = Bytes{'/', 'b', 'i', 'n', '/', 's', 'h', 0};
  std::vector<Bytes> stream = {record(231, 1, params)};
  run(state, stream);
}
BENCHMARK(BM_ConvertUpgradesOldExecve);

// A whole 2022-era capture (curl_google_comments.scap, 1536 records, 991 delivered when
// normalized) through ScapReader, per record read: what normalization costs on top of decoding.
void read_capture(benchmark::State& state, vigil::capture::ReadMode mode) {
  const std::string path = std::string(VIGIL_SHARED_DIR) + "/captures/curl_google_comments.scap";
  uint64_t records = 0;
  for (auto _ : state) {
    auto reader = vigil::capture::ScapReader::open(path, {mode});
    if (!reader) {
      state.SkipWithError("cannot open curl_google_comments.scap");
      return;
    }
    vigil::capture::EventView e;
    while ((*reader)->next(e) == vigil::capture::NextStatus::Event) benchmark::DoNotOptimize(e.ts());
    const auto stats = (*reader)->stats();
    records += stats.events + stats.absorbed;
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
void BM_ReadCaptureRaw(benchmark::State& state) { read_capture(state, vigil::capture::ReadMode::Raw); }
void BM_ReadCaptureNormalized(benchmark::State& state) { read_capture(state, vigil::capture::ReadMode::Normalized); }
BENCHMARK(BM_ReadCaptureRaw);
BENCHMARK(BM_ReadCaptureNormalized);

}  // namespace

BENCHMARK_MAIN();
