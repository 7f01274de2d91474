// Live capture: syscalls and process lifecycle events of this machine, from vigil's CO-RE eBPF
// driver, delivered through the same EventSource interface as the .scap reader.
//
// Events are EventViews straight over ring-buffer memory, in the newest schema's v2 layout (one
// event per syscall, except sendmmsg/recvmmsg: one per message; enter events only for open,
// openat, openat2, creat and connect, like the current falcosecurity drivers). Each CPU has its own ring buffer (or each group of
// `cpus_per_ring_buffer` CPUs); next() merges them in timestamp order.
//
// Needs root, or CAP_BPF + CAP_PERFMON (+ CAP_SYS_RESOURCE where the kernel still charges BPF
// memory to RLIMIT_MEMLOCK), and a kernel with BTF (/sys/kernel/btf/vmlinux). open() fails with
// an Error saying what is missing otherwise.
//
// Thread-safety: one thread calls next()/set_interest(); stop() and counters() may be called
// from any thread (stop() is how another thread or a signal handler ends a capture).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vigil/capture/event_source.h"

namespace vigil::capture {

// Which events the kernel produces. Everything else is filtered out in the kernel, before any
// record is built.
struct InterestSet {
  bool all = true;                     // every syscall and tracepoint event
  std::vector<uint16_t> event_types;   // newest-schema event ids; enables their syscall (both
                                       // directions); 0/1 = every generic-event syscall
  std::vector<std::string> syscalls;   // syscall names (covers generic-event syscalls by name)
  bool procexit = true;                // the procexit tracepoint event
  bool state_events = true;            // add what state tracking needs (process tree, fds, users)
};

struct LiveOptions {
  uint32_t ring_buffer_bytes = 8u << 20;  // per ring buffer; a power of two, >= one page
  uint32_t cpus_per_ring_buffer = 1;
  uint32_t snaplen = 80;                  // bytes of I/O data kept per event
  uint32_t poll_timeout_ms = 100;         // next() returns Timeout after this long without events
  bool filter_self = true;                // never capture this process's own syscalls
  bool snapshot_proc = true;              // seed metadata() from /proc once the driver is attached
  // Kernel BTF the driver's CO-RE relocations are resolved against. Empty: the running kernel's
  // own (/sys/kernel/btf/vmlinux). A file path serves kernels built without BTF, with a BTF file
  // generated for that exact kernel (e.g. from BTFHub).
  std::string kernel_btf_path;
  InterestSet interest;
};

// The driver's counters for one CPU.
struct DriverCounters {
  uint64_t hits = 0;         // tracepoint hits that passed the interest filter
  uint64_t events = 0;       // records written to a ring buffer
  uint64_t drops = 0;        // records lost because the ring buffer was full
  uint64_t failures = 0;     // records not produced (kernel read or map failure)
  uint64_t truncations = 0;  // parameters left empty because the record hit the 64 KiB limit
};

class LiveSource final : public EventSource {
 public:
  static Result<std::unique_ptr<LiveSource>> open(LiveOptions options = {});
  ~LiveSource() override;

  NextStatus next(EventView& out) override;
  // The /proc snapshot taken right after the driver was attached (so no process or fd is missed
  // between the two), or just the machine info when snapshot_proc is off.
  const CaptureMetadata& metadata() const override;
  SourceStats stats() const override;  // dropped = sum of the driver's drops
  const Error& error() const override;

  // Changes what the kernel produces, effective immediately.
  Status set_interest(const InterestSet& interest);
  // Ends the capture: the next call to next() detaches the driver, then delivers what the ring
  // buffers still hold and returns EndOfStream once they are empty.
  void stop();
  std::vector<DriverCounters> counters() const;
  // Number of ring buffers being merged.
  uint32_t ring_buffer_count() const;

  struct Impl;

 private:
  explicit LiveSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::capture
