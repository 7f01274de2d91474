// Cost of the live /proc snapshot on this host, whole and in parts, and of container matching.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "vigil/capture/proc_snapshot.h"
#include "vigil/inspect/container.h"

using namespace vigil::capture;

namespace {

void BM_FullHostSnapshot(benchmark::State& state) {
  ProcSnapshotOptions opt;
  ProcSnapshotStats stats;
  for (auto _ : state) {
    auto md = snapshot_proc(opt, &stats);
    benchmark::DoNotOptimize(md);
  }
  state.counters["threads"] = static_cast<double>(stats.threads);
  state.counters["fds"] = static_cast<double>(stats.fds);
}
BENCHMARK(BM_FullHostSnapshot)->Unit(benchmark::kMillisecond);

void BM_ThreadsOnlySnapshot(benchmark::State& state) {
  ProcSnapshotOptions opt;
  opt.fds = false;
  opt.interfaces = false;
  opt.users = false;
  ProcSnapshotStats stats;
  for (auto _ : state) {
    auto md = snapshot_proc(opt, &stats);
    benchmark::DoNotOptimize(md);
  }
  state.counters["threads"] = static_cast<double>(stats.threads);
}
BENCHMARK(BM_ThreadsOnlySnapshot)->Unit(benchmark::kMillisecond);

void BM_ContainerFromCgroups(benchmark::State& state) {
  const std::string id = "7951fb549ab99e0722a949b6c121634e1f3a36b5bacbe5392991e3b12251e6b8";
  std::vector<std::string> container = {"cpuset=/", "memory=/kubepods.slice/kubepods-besteffort."
                                        "slice/kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_"
                                        "16bf8ef8d9dc.slice/cri-containerd-" + id + ".scope"};
  std::vector<std::string> host = {"cpuset=/", "memory=/user.slice",
                                   "name=systemd=/user.slice/user-501.slice/session-3.scope"};
  bool in_container = state.range(0) == 1;
  for (auto _ : state) {
    auto m = vigil::inspect::container_from_cgroups(in_container ? container : host);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_ContainerFromCgroups)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
