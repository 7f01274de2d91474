// fd.sip.name with watched host names: the cost of one extraction as the number of names the
// resolver thread answered grows (a binary search in the published answers), for an address with
// a name and one without, and the cost of Inspector::process with and without a resolver thread
// (one atomic load per event when no new answer arrived).
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "../tests/inspect/event_builder.h"

#include "vigil/inspect/inspector.h"

namespace {

using namespace vigil;
using capture::Direction;
using test::enc_i64;
using test::enc_tuple4;
using test::enc_u32;
using test::TestEvent;

// name<i>.bench is 10.<i / 256>.<i % 256>.1.
class CountingResolver final : public inspect::HostnameResolver {
 public:
  bool resolve(std::string_view name, std::vector<inspect::IpValue>& out) const override {
    const int i = std::stoi(std::string(name.substr(4)));
    inspect::IpValue ip;
    ip.family = 4;
    ip.addr = {10, static_cast<uint8_t>(i / 256), static_cast<uint8_t>(i % 256), 1};
    out.push_back(ip);
    return true;
  }
};

capture::CaptureMetadata one_process() {
  capture::CaptureMetadata meta;
  capture::ThreadInfo t;
  t.tid = t.pid = 100;
  t.ptid = 1;
  t.comm = t.exe = "client";
  t.cwd = "/tmp";
  meta.threads = {t};
  return meta;
}

struct Fixture {
  CountingResolver resolver;
  std::unique_ptr<inspect::Inspector> inspector;
  TestEvent sock{"socket", Direction::Exit, 100};
  TestEvent send{"sendto", Direction::Exit, 100};

  Fixture(int names, std::array<uint8_t, 4> dst) {
    inspect::InspectorOptions opts;
    opts.hosts_file = "/nonexistent";
    opts.hostname_resolver = &resolver;
    inspector = std::make_unique<inspect::Inspector>(opts);
    (void)inspector->seed(one_process());
    for (int i = 0; i < names; ++i) (void)inspector->watch_hostname("name" + std::to_string(i) + ".bench");
    sock.set("fd", enc_i64(4)).set("domain", enc_u32(capture::kAfInet)).set("type", enc_u32(2)).set("proto", enc_u32(0));
    send.set("res", enc_i64(4)).set("data", "ping").set("fd", enc_i64(4)).set("size", enc_u32(4))
        .set("tuple", enc_tuple4({10, 0, 0, 9}, 5000, dst, 443));
    inspector->process(sock.view(1));
    // Wait for every answer (the inspector takes them between events).
    while (names > 0 && (inspector->stats().hostnames_pending > 0 || inspector->stats().hostnames_watched == 0)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      inspector->process(send.view(2));
    }
  }
};

void BM_SipNameExtraction(benchmark::State& state) {
  const int names = static_cast<int>(state.range(0));
  const bool hit = state.range(1) != 0;
  Fixture f(names, hit ? std::array<uint8_t, 4>{10, 0, 7, 1} : std::array<uint8_t, 4>{192, 168, 1, 1});
  auto field = f.inspector->fields().bind("fd.sip.name", std::nullopt);
  const inspect::EventContext& ctx = f.inspector->process(f.send.view(3));
  inspect::FieldValues values;
  for (auto _ : state) {
    values.clear();
    benchmark::DoNotOptimize((*field)->extract(ctx, values));
  }
  state.counters["names"] = static_cast<double>(values.values().size());
}
BENCHMARK(BM_SipNameExtraction)->ArgsProduct({{0, 64, 1024}, {0, 1}})->ArgNames({"watched", "hit"});

void BM_ProcessSendto(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)), {10, 0, 7, 1});
  uint64_t num = 10;
  for (auto _ : state) benchmark::DoNotOptimize(&f.inspector->process(f.send.view(num++)));
}
BENCHMARK(BM_ProcessSendto)->Arg(0)->Arg(1024)->ArgName("watched");

}  // namespace

BENCHMARK_MAIN();
