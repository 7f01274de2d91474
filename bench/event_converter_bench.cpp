// Cost of the normalizing converter per record: the pass-through check that every newest-layout
// event pays, and the enter/exit merge that 2022-era captures need.
#include <benchmark/benchmark.h>

#include <cstring>
#include <span>
#include <string>
#include <vector>

// The converter is internal to libcapture; its header has no internal dependencies.
#include "../libcapture/scap/event_converter.h"

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
  for (auto _ : state) {
    for (const Bytes& r : stream) delivered += converter.convert(r, out, message) != EventConverter::Outcome::Drop;
  }
  benchmark::DoNotOptimize(delivered);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
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

}  // namespace

BENCHMARK_MAIN();
