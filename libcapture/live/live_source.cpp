#include "vigil/capture/live_source.h"

#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "bpf_driver.h"
#include "ring_reader.h"
#include "vigil/capture/proc_snapshot.h"
#include "scap/record_layout.h"

namespace vigil::capture {

using live::BpfDriver;
using live::RingReader;

namespace {

// The head record of one ring buffer, waiting to be merged.
struct Head {
  uint64_t ts;
  uint32_t ring;
  uint32_t len;
  const uint8_t* record;
};
struct Later {
  bool operator()(const Head& a, const Head& b) const { return a.ts > b.ts; }
};

// Rings that had nothing are looked at again after this many events, so a busy CPU cannot
// starve the others while the merge costs O(log rings) per event.
constexpr uint32_t kRescanInterval = 64;

MachineInfo machine_info() {
  MachineInfo m;
  m.num_cpus = static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN));
  struct sysinfo si {};
  if (sysinfo(&si) == 0) m.memory_size_bytes = static_cast<uint64_t>(si.totalram) * si.mem_unit;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) m.hostname = host;
  std::ifstream pid_max("/proc/sys/kernel/pid_max");
  pid_max >> m.max_pid;
  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  m.boot_ts_epoch = (real.tv_sec - boot.tv_sec) * 1000000000ull + (real.tv_nsec - boot.tv_nsec);
  return m;
}

}  // namespace

struct LiveSource::Impl {
  LiveOptions options;
  std::unique_ptr<BpfDriver> driver;
  std::vector<RingReader> rings;
  std::vector<Head> heap;
  std::vector<uint8_t> in_heap;
  int current = -1;  // ring whose record the caller holds
  uint32_t since_rescan = 0;
  uint32_t offsets[VIGIL_MAX_PARAMS + 1] = {};
  uint64_t num = 0;
  SourceStats stats;
  std::atomic<bool> stop_requested{false};
  bool detached = false;
  CaptureMetadata metadata;
  Error error;

  void refill(uint32_t r) {
    uint32_t len = 0;
    const uint8_t* rec = rings[r].peek(len);
    if (!rec) return;
    heap.push_back({load<uint64_t>(rec), r, len, rec});
    std::push_heap(heap.begin(), heap.end(), Later{});
    in_heap[r] = 1;
  }

  void rescan_idle() {
    for (uint32_t r = 0; r < rings.size(); r++)
      if (!in_heap[r]) refill(r);
    since_rescan = 0;
  }
};

LiveSource::LiveSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LiveSource::~LiveSource() = default;

Result<std::unique_ptr<LiveSource>> LiveSource::open(LiveOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto driver = BpfDriver::load(options);
  if (!driver) return driver.error();
  impl->driver = std::move(*driver);
  for (int fd : impl->driver->ringbuf_fds()) {
    RingReader r;
    if (Status s = r.map(fd, options.ring_buffer_bytes); !s) return s.error();
    impl->rings.push_back(std::move(r));
  }
  impl->heap.reserve(impl->rings.size());
  impl->in_heap.assign(impl->rings.size(), 0);
  if (Status s = impl->driver->apply_interest(options.interest); !s) return s.error();
  if (Status s = impl->driver->attach(); !s) return s.error();
  if (options.snapshot_proc) {
    auto snap = snapshot_proc(ProcSnapshotOptions{});
    if (!snap) return snap.error();
    impl->metadata = std::move(*snap);
  } else {
    impl->metadata.machine = machine_info();
  }
  return std::unique_ptr<LiveSource>(new LiveSource(std::move(impl)));
}

NextStatus LiveSource::next(EventView& out) {
  Impl& m = *impl_;
  if (m.current >= 0) {
    const uint32_t r = static_cast<uint32_t>(m.current);
    m.rings[r].release();
    m.in_heap[r] = 0;
    m.current = -1;
    m.refill(r);
    if (!m.in_heap[r] || ++m.since_rescan >= kRescanInterval) m.rescan_idle();
  }
  // The clock is read only once the rings run dry: a busy consumer pays nothing for the timeout.
  std::chrono::steady_clock::time_point deadline{};
  for (;;) {
    if (m.stop_requested.load(std::memory_order_relaxed) && !m.detached) {
      m.driver->detach();
      m.detached = true;
      m.rescan_idle();
    }
    if (m.heap.empty()) {
      m.rescan_idle();
      if (m.heap.empty()) {
        if (m.detached) return NextStatus::EndOfStream;
        const auto now = std::chrono::steady_clock::now();
        if (deadline == std::chrono::steady_clock::time_point{})
          deadline = now + std::chrono::milliseconds(m.options.poll_timeout_ms);
        else if (now >= deadline)
          return NextStatus::Timeout;
        // The driver does not wake the consumer per record (that would cost every producer a
        // wakeup check); an idle consumer polls instead.
        std::this_thread::sleep_for(std::chrono::microseconds(500));
        continue;
      }
    }
    std::pop_heap(m.heap.begin(), m.heap.end(), Later{});
    const Head h = m.heap.back();
    m.heap.pop_back();
    const std::string problem = detail::index_params(h.record, h.len, m.offsets, VIGIL_MAX_PARAMS);
    const EventInfo* info = problem.empty() ? EventSchema::newest().find(load<uint16_t>(h.record + 20)) : nullptr;
    if (!info) {
      if (problem.empty()) m.stats.skipped_unknown++; else m.stats.decode_failures++;
      m.rings[h.ring].release();
      m.in_heap[h.ring] = 0;
      m.refill(h.ring);
      continue;
    }
    m.current = static_cast<int>(h.ring);
    const uint16_t cpu = static_cast<uint16_t>(h.ring * m.driver->cpus_per_ringbuf());
    out = EventView(h.record, m.offsets, cpu, 0, ++m.num, info);
    m.stats.events++;
    return NextStatus::Event;
  }
}

const CaptureMetadata& LiveSource::metadata() const { return impl_->metadata; }

SourceStats LiveSource::stats() const {
  SourceStats s = impl_->stats;
  for (const DriverCounters& c : impl_->driver->counters()) s.dropped += c.drops;
  return s;
}

const Error& LiveSource::error() const { return impl_->error; }

Status LiveSource::set_interest(const InterestSet& interest) {
  if (impl_->detached) return Error{"the capture is stopped"};
  return impl_->driver->apply_interest(interest);
}

void LiveSource::stop() { impl_->stop_requested.store(true, std::memory_order_relaxed); }

std::vector<DriverCounters> LiveSource::counters() const { return impl_->driver->counters(); }

uint32_t LiveSource::ring_buffer_count() const { return static_cast<uint32_t>(impl_->rings.size()); }

}  // namespace vigil::capture
