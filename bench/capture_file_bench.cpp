// Whole-pipeline throughput on a large live capture, like `falco -e capture.scap[.gz]`: read
// (and gunzip) + normalize + inspect + evaluate, with no rules, the official stable rules and all
// three official files. The capture comes from bench/make-live-bench-capture.sh (12.5 M events
// by default); set VIGIL_BENCH_CAPTURE to use another (its .gz copy is read from PATH.gz).
//
// Bar (issue 4, Falco 0.40 on a 12.5 M-event live capture): ~3.9 M events/s with no rules,
// ~2.8 M/s with the stable rules from gzip (~4.0 M/s uncompressed), ~1.5 M/s with all three files.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "vigil/capture/scap_reader.h"
#include "vigil/engine/engine.h"
#include "vigil/inspect/inspector.h"

namespace {

const std::string kShared = VIGIL_SHARED_DIR;
const std::string kStable = kShared + "/rules/falco/falco_rules.yaml";
const std::string kIncubating = kShared + "/rules/falco/falco-incubating_rules.yaml";
const std::string kSandbox = kShared + "/rules/falco/falco-sandbox_rules.yaml";

std::string capture_path(bool gzip) {
  const char* env = std::getenv("VIGIL_BENCH_CAPTURE");
  std::string path = env ? env : "bench/live-capture.scap";
  return gzip ? path + ".gz" : path;
}

// One pass over the capture per iteration, each with a fresh inspector and engine state seeded
// from the capture's own metadata, as a new `falco -e` run would be.
void replay_file(benchmark::State& state, bool gzip, const std::vector<std::string>& files) {
  const std::string path = capture_path(gzip);
  uint64_t events = 0, alerts = 0;
  size_t rules = 0;
  for (auto _ : state) {
    state.PauseTiming();
    vigil::inspect::Inspector inspector;
    vigil::engine::Engine engine(inspector.fields());
    for (const auto& r : engine.load_paths(files)) {
      if (!r.ok) {
        state.SkipWithError("rules failed to load");
        return;
      }
    }
    rules = engine.rules().size();
    state.ResumeTiming();
    auto reader = vigil::capture::ScapReader::open(path);
    if (!reader.ok()) {
      state.SkipWithError(("cannot read " + path + ": run bench/make-live-bench-capture.sh").c_str());
      return;
    }
    (void)inspector.seed((*reader)->metadata());
    vigil::capture::EventView v;
    while ((*reader)->next(v) == vigil::capture::NextStatus::Event) {
      alerts += engine.evaluate(v.type(), inspector.process(v)).size();
      ++events;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["events/pass"] = static_cast<double>(events) / static_cast<double>(state.iterations());
  state.counters["alerts/pass"] = static_cast<double>(alerts) / static_cast<double>(state.iterations());
  state.counters["rules"] = static_cast<double>(rules);
}

void BM_LiveCaptureNoRules(benchmark::State& s) { replay_file(s, false, {}); }
void BM_LiveCaptureNoRulesGzip(benchmark::State& s) { replay_file(s, true, {}); }
void BM_LiveCaptureStableRules(benchmark::State& s) { replay_file(s, false, {kStable}); }
void BM_LiveCaptureStableRulesGzip(benchmark::State& s) { replay_file(s, true, {kStable}); }
void BM_LiveCaptureAllThreeFiles(benchmark::State& s) { replay_file(s, false, {kStable, kIncubating, kSandbox}); }
void BM_LiveCaptureAllThreeFilesGzip(benchmark::State& s) { replay_file(s, true, {kStable, kIncubating, kSandbox}); }

BENCHMARK(BM_LiveCaptureNoRules)->Unit(benchmark::kSecond)->Iterations(2);
BENCHMARK(BM_LiveCaptureNoRulesGzip)->Unit(benchmark::kSecond)->Iterations(2);
BENCHMARK(BM_LiveCaptureStableRules)->Unit(benchmark::kSecond)->Iterations(2);
BENCHMARK(BM_LiveCaptureStableRulesGzip)->Unit(benchmark::kSecond)->Iterations(2);
BENCHMARK(BM_LiveCaptureAllThreeFiles)->Unit(benchmark::kSecond)->Iterations(2);
BENCHMARK(BM_LiveCaptureAllThreeFilesGzip)->Unit(benchmark::kSecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
