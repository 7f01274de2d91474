// Decode throughput of ScapReader on a large capture, in both delivery modes, plain and gzip.
//
// The capture comes from bench/make-bench-capture.sh (all shared captures, their event blocks
// repeated in one section). It is looked up in $VIGIL_BENCH_CAPTURE, else next to this program
// (BUILD/bench/bench-capture.scap). items_processed counts delivered events; bytes_processed
// counts the uncompressed capture bytes, so MB/s compares plain and gzip on the same data.
//
// A last benchmark measures printing: rendering every event of the raw stream with the sysdig
// default line (no output written).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "vigil/capture/event_format.h"
#include "vigil/capture/scap_reader.h"

namespace {

using vigil::capture::EventView;
using vigil::capture::NextStatus;
using vigil::capture::ReadMode;
using vigil::capture::ScapReader;

std::string capture_path(bool gzip) {
  std::string path;
  if (const char* env = std::getenv("VIGIL_BENCH_CAPTURE")) {
    path = env;
  } else {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    path = (exe.parent_path() / "bench-capture.scap").string();
  }
  return gzip ? path + ".gz" : path;
}

uint64_t uncompressed_size() {
  std::error_code ec;
  const auto size = std::filesystem::file_size(capture_path(false), ec);
  return ec ? 0 : size;
}

void decode(benchmark::State& state, ReadMode mode, bool gzip) {
  const std::string path = capture_path(gzip);
  const uint64_t stream_bytes = uncompressed_size();
  if (!std::filesystem::exists(path) || stream_bytes == 0) {
    state.SkipWithError(("missing " + path + ": run bench/make-bench-capture.sh").c_str());
    return;
  }
  uint64_t events = 0;
  for (auto _ : state) {
    auto reader = ScapReader::open(path, {mode});
    if (!reader) {
      state.SkipWithError(reader.error().to_string().c_str());
      return;
    }
    EventView event;
    NextStatus status;
    uint64_t checksum = 0;
    while ((status = (*reader)->next(event)) == NextStatus::Event) {
      checksum += event.ts() ^ event.param(0u).size();
      ++events;
    }
    if (status == NextStatus::Failed) {
      state.SkipWithError((*reader)->error().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(checksum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.SetBytesProcessed(static_cast<int64_t>(stream_bytes * state.iterations()));
}

void BM_DecodeRaw(benchmark::State& state) { decode(state, ReadMode::Raw, false); }
void BM_DecodeNormalized(benchmark::State& state) { decode(state, ReadMode::Normalized, false); }
void BM_DecodeRawGzip(benchmark::State& state) { decode(state, ReadMode::Raw, true); }
void BM_DecodeNormalizedGzip(benchmark::State& state) { decode(state, ReadMode::Normalized, true); }

void BM_PrintDefaultLineRaw(benchmark::State& state) {
  const std::string path = capture_path(false);
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("missing " + path + ": run bench/make-bench-capture.sh").c_str());
    return;
  }
  auto format = vigil::capture::EventFormat::parse(vigil::capture::kDefaultEventFormat);
  vigil::capture::RenderOptions options;
  options.schema = vigil::capture::DisplaySchema::Sysdig029;
  auto line = std::make_unique<vigil::capture::FixedText<1 << 16>>();
  uint64_t events = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto reader = ScapReader::open(path, {ReadMode::Raw});
    EventView event;
    while ((*reader)->next(event) == NextStatus::Event) {
      line->clear();
      format->render(event, options, *line);
      bytes += line->size();
      ++events;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

}  // namespace

BENCHMARK(BM_DecodeRaw)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeNormalized)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeRawGzip)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeNormalizedGzip)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PrintDefaultLineRaw)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
