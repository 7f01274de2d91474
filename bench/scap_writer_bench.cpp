// ScapWriter throughput: events of a shared capture, held in memory, written to a temp file in
// the newest format (plain and gzip) and in the Sysdig029 compatibility mode.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "vigil/capture/scap_reader.h"
#include "vigil/capture/scap_writer.h"

using namespace vigil::capture;

namespace {

// Events copied out of a reader, with what an EventView needs to point at them again.
struct HeldEvents {
  std::vector<std::vector<uint8_t>> records;
  std::vector<std::vector<uint32_t>> offsets;
  std::vector<uint16_t> cpus;
  std::vector<uint32_t> flags;
  uint64_t bytes = 0;
};

HeldEvents load_capture(const std::string& name, ReadMode mode) {
  HeldEvents held;
  auto reader = ScapReader::open(std::string(VIGIL_SHARED_DIR) + "/captures/" + name, ReaderOptions{mode});
  if (!reader.ok()) return held;
  EventView ev;
  while ((*reader)->next(ev) == NextStatus::Event) {
    const auto rec = ev.record();
    held.records.emplace_back(rec.begin(), rec.end());
    std::vector<uint32_t> offs;
    for (uint32_t i = 0; i < ev.nparams(); ++i) offs.push_back(static_cast<uint32_t>(ev.param(i).data() - rec.data()));
    offs.push_back(ev.nparams() ? offs.back() + ev.param(ev.nparams() - 1).size() : EventView::kHeaderSize);
    held.offsets.push_back(std::move(offs));
    held.cpus.push_back(ev.cpu());
    held.flags.push_back(ev.dump_flags());
    held.bytes += rec.size();
  }
  return held;
}

void write_all(benchmark::State& state, const HeldEvents& held, WriterOptions options) {
  if (held.records.empty()) {
    state.SkipWithError("capture not readable");
    return;
  }
  const std::string path = "/tmp/vigil_writer_bench_" + std::to_string(getpid()) + ".scap";
  std::vector<EventView> views;
  for (size_t i = 0; i < held.records.size(); ++i)
    views.emplace_back(held.records[i].data(), held.offsets[i].data(), held.cpus[i], held.flags[i], i + 1,
                       EventSchema::newest().find(load<uint16_t>(held.records[i].data() + 20)));
  for (auto _ : state) {
    auto writer = ScapWriter::create(path, options);
    if (!writer.ok()) {
      state.SkipWithError("cannot create the output file");
      break;
    }
    for (const EventView& v : views) benchmark::DoNotOptimize((*writer)->write_event(v).ok());
    benchmark::DoNotOptimize((*writer)->close().ok());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * views.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * held.bytes));
  std::remove(path.c_str());
}

void BM_WriteNewestPlain(benchmark::State& state) {
  static const HeldEvents held = load_capture("sample.scap", ReadMode::Raw);
  write_all(state, held, WriterOptions{WriteFormat::Newest, false});
}
BENCHMARK(BM_WriteNewestPlain);

void BM_WriteNewestGzip(benchmark::State& state) {
  static const HeldEvents held = load_capture("sample.scap", ReadMode::Raw);
  write_all(state, held, WriterOptions{WriteFormat::Newest, true});
}
BENCHMARK(BM_WriteNewestGzip);

void BM_WriteSysdig029FromNormalized(benchmark::State& state) {
  static const HeldEvents held = load_capture("curl_google_comments.scap", ReadMode::Normalized);
  write_all(state, held, WriterOptions{WriteFormat::Sysdig029, false});
}
BENCHMARK(BM_WriteSysdig029FromNormalized);

}  // namespace

BENCHMARK_MAIN();
