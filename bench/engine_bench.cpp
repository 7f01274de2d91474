// Rule evaluation throughput: events of a real capture replayed through the inspector and the
// engine with no rules, the official stable rules, all three official files, and 25/100/500
// generated rules. The shared captures are small, so events are decoded once into memory and
// replayed many times through one inspector (seeded once; replayed events find their threads
// and fds): the Replay numbers are inspector + engine cost per event. FromFile adds opening, gunzipping and normalizing the capture each
// pass, like `falco -e capture.scap.gz`.
//
// Reference (Falco 0.40 replaying a capture): ~3.9 M events/s with no rules, ~2.8 M/s with the
// stable rules from a gzip capture (~4.0 M/s uncompressed), ~1.5 M/s with all three files.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "vigil/capture/scap_reader.h"
#include "vigil/engine/engine.h"
#include "vigil/inspect/inspector.h"

namespace {

const std::string kShared = VIGIL_SHARED_DIR;
const std::string kCapture = kShared + "/captures/sample.scap";
// The replay workload: every shared capture (syscall-heavy ones: cat, curl, connect, ping, ...).
const char* const kCaptures[] = {"cat_write.scap", "connect_localhost.scap", "curl_google_comments.scap",
                                 "open-multiple-files.scap", "ping_sendto.scap", "psp_privileged.scap",
                                 "psp_write_tmp_test.scap", "sample.scap", "single_ipv6_conn.scap",
                                 "syscall.scap", "test_ipv6_client.scap"};
const std::string kStable = kShared + "/rules/falco/falco_rules.yaml";
const std::string kIncubating = kShared + "/rules/falco/falco-incubating_rules.yaml";
const std::string kSandbox = kShared + "/rules/falco/falco-sandbox_rules.yaml";

// The capture's events copied out of the reader so they can be replayed.
struct StoredEvents {
  vigil::capture::CaptureMetadata metadata;
  std::vector<std::vector<uint8_t>> records;
  std::vector<std::vector<uint32_t>> offsets;
  std::vector<vigil::capture::EventView> views;
};

StoredEvents load_events(const std::string& path) {
  {
    StoredEvents s;
    auto reader = vigil::capture::ScapReader::open(path);
    if (!reader.ok()) return s;
    s.metadata = (*reader)->metadata();
    struct Extra {
      uint16_t cpu;
      uint32_t flags;
      uint64_t num;
      const vigil::capture::EventInfo* info;
    };
    std::vector<Extra> extra;
    vigil::capture::EventView ev;
    while ((*reader)->next(ev) == vigil::capture::NextStatus::Event) {
      auto rec = ev.record();
      s.records.emplace_back(rec.begin(), rec.end());
      std::vector<uint32_t> offs;
      uint32_t end = 0;
      for (uint32_t i = 0; i < ev.nparams(); ++i) {
        auto p = ev.param(i);
        uint32_t off = static_cast<uint32_t>(p.data() - rec.data());
        offs.push_back(off);
        end = off + p.size();
      }
      offs.push_back(ev.nparams() ? end : static_cast<uint32_t>(rec.size()));
      s.offsets.push_back(std::move(offs));
      extra.push_back({ev.cpu(), ev.dump_flags(), ev.num(), ev.info()});
    }
    for (size_t i = 0; i < s.records.size(); ++i)
      s.views.emplace_back(s.records[i].data(), s.offsets[i].data(), extra[i].cpu, extra[i].flags, extra[i].num,
                           extra[i].info);
    return s;
  }
}

const std::vector<StoredEvents>& stored_captures() {
  static const std::vector<StoredEvents> all = [] {
    std::vector<StoredEvents> v;
    for (const char* c : kCaptures) v.push_back(load_events(kShared + "/captures/" + c));
    return v;
  }();
  return all;
}

std::string generated_rules(int n) {
  std::string y = "- list: gen_binaries\n  items: [nc, ncat, nmap, socat, telnet, tcpdump, tshark]\n";
  y += "- macro: gen_spawned\n  condition: (evt.type in (execve, execveat))\n";
  for (int i = 0; i < n; ++i) {
    std::string id = std::to_string(i);
    std::string cond;
    switch (i % 5) {
      case 0:
        cond = "evt.type in (open, openat, openat2) and fd.name startswith /etc/gen" + id + "/ and not proc.name in (gen_binaries)";
        break;
      case 1:
        cond = "gen_spawned and proc.name in (gen_binaries) and proc.cmdline contains \"-e gen" + id + "\"";
        break;
      case 2:
        cond = "evt.type = connect and fd.sip = 10.0." + std::to_string(i % 250) + ".1 and proc.pname != gen" + id;
        break;
      case 3:
        cond = "evt.type in (rename, renameat, unlink, unlinkat) and fd.name pmatch (/var/lib/gen" + id + ", /opt/gen" + id + ")";
        break;
      default:
        cond = "evt.type = execve and proc.exepath glob '/tmp/gen" + id + "/*' and user.uid != 0";
    }
    y += "- rule: generated rule " + id + "\n  desc: generated\n  condition: " + cond +
         "\n  output: gen " + id + " proc=%proc.name file=%fd.name\n  priority: WARNING\n";
  }
  return y;
}

// Loads `files` (and `generated` rules) into an engine over `inspector`'s registry.
std::unique_ptr<vigil::engine::Engine> make_engine(const vigil::inspect::Inspector& inspector,
                                                   const std::vector<std::string>& files, int generated) {
  auto e = std::make_unique<vigil::engine::Engine>(inspector.fields());
  e->set_rule_matching(vigil::engine::RuleMatching::All);
  for (auto& r : e->load_paths(files))
    if (!r.ok) return nullptr;
  if (generated > 0 && !e->load_string(generated_rules(generated), "generated.yaml").ok) return nullptr;
  return e;
}

// One inspector per capture (each has its own process table), one engine per inspector registry.
struct ReplaySet {
  std::vector<std::unique_ptr<vigil::inspect::Inspector>> inspectors;
  size_t events = 0;
  ReplaySet() {
    for (const auto& c : stored_captures()) {
      inspectors.push_back(std::make_unique<vigil::inspect::Inspector>());
      (void)inspectors.back()->seed(c.metadata);
      events += c.views.size();
    }
  }
};

void replay(benchmark::State& state, const std::vector<std::string>& files, int generated) {
  ReplaySet set;
  if (set.events == 0) {
    state.SkipWithError("captures could not be read");
    return;
  }
  auto engine = make_engine(*set.inspectors[0], files, generated);
  if (!engine) {
    state.SkipWithError("rules failed to load");
    return;
  }
  const auto& caps = stored_captures();
  uint64_t alerts = 0;
  for (auto _ : state) {
    for (size_t c = 0; c < caps.size(); ++c) {
      auto& inspector = *set.inspectors[c];
      for (const auto& v : caps[c].views) alerts += engine->evaluate(v.type(), inspector.process(v)).size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * set.events));
  state.counters["events"] = static_cast<double>(set.events);
  state.counters["alerts/pass"] = static_cast<double>(alerts) / static_cast<double>(state.iterations());
  state.counters["rules"] = static_cast<double>(engine->rules().size());
}

void BM_ReplayInspectorOnly(benchmark::State& state) {
  ReplaySet set;
  const auto& caps = stored_captures();
  for (auto _ : state) {
    for (size_t c = 0; c < caps.size(); ++c)
      for (const auto& v : caps[c].views) benchmark::DoNotOptimize(&set.inspectors[c]->process(v));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * set.events));
}
BENCHMARK(BM_ReplayInspectorOnly);

void BM_ReplayNoRules(benchmark::State& state) { replay(state, {}, 0); }
BENCHMARK(BM_ReplayNoRules);

void BM_ReplayStableRules(benchmark::State& state) { replay(state, {kStable}, 0); }
BENCHMARK(BM_ReplayStableRules);

void BM_ReplayAllThreeFiles(benchmark::State& state) { replay(state, {kStable, kIncubating, kSandbox}, 0); }
BENCHMARK(BM_ReplayAllThreeFiles);

void BM_ReplayGeneratedRules(benchmark::State& state) { replay(state, {}, static_cast<int>(state.range(0))); }
BENCHMARK(BM_ReplayGeneratedRules)->Arg(25)->Arg(100)->Arg(500);

// Whole pipeline from the gzip file: read + gunzip + normalize + inspect + evaluate.
void BM_FromFileStableRules(benchmark::State& state) {
  vigil::inspect::Inspector inspector;
  auto engine = make_engine(inspector, {kStable}, 0);
  if (!engine) {
    state.SkipWithError("rules failed to load");
    return;
  }
  uint64_t events = 0;
  for (auto _ : state) {
    auto reader = vigil::capture::ScapReader::open(kCapture);
    if (!reader.ok()) {
      state.SkipWithError("capture could not be read");
      return;
    }
    (void)inspector.seed((*reader)->metadata());
    vigil::capture::EventView v;
    while ((*reader)->next(v) == vigil::capture::NextStatus::Event) {
      benchmark::DoNotOptimize(engine->evaluate(v.type(), inspector.process(v)).size());
      ++events;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_FromFileStableRules);

// Loading and compiling the three official files.
void BM_LoadAllThreeFiles(benchmark::State& state) {
  vigil::inspect::Inspector inspector;
  for (auto _ : state) benchmark::DoNotOptimize(make_engine(inspector, {kStable, kIncubating, kSandbox}, 0));
}
BENCHMARK(BM_LoadAllThreeFiles)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
