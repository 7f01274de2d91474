// Owns the loaded eBPF driver: the libbpf skeleton, its ring buffers, the syscall table and the
// interest set in the kernel, and the attached programs. Destroying it detaches everything.
//
// One thread at a time, except counters(), which only reads kernel maps.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vigil/capture/live_source.h"
#include "vigil/common/result.h"
#include "vigil_shared.h"

struct vigil_bpf;
struct bpf_link;

namespace vigil::capture::live {

// Faults a test can inject into BpfDriver::load to exercise its error paths.
struct DriverLoadFaults {
  // Points the sys_exit program at a tracepoint with fewer arguments than it reads: the
  // verifier rejects it the way it rejects a program on a kernel it does not fit.
  bool reject_in_verifier = false;
};

class BpfDriver {
 public:
  // Checks privileges and BTF, loads the driver with `nr_ringbufs` ring buffers of
  // `ringbuf_bytes` each, and fills the syscall table. Nothing is attached yet.
  static Result<std::unique_ptr<BpfDriver>> load(const LiveOptions& options, const DriverLoadFaults& faults = {});
  ~BpfDriver();
  BpfDriver(const BpfDriver&) = delete;
  BpfDriver& operator=(const BpfDriver&) = delete;

  // Writes the interest set into the kernel and attaches or detaches programs so that only the
  // tracepoints something is interested in are hit.
  Status apply_interest(const InterestSet& interest);
  // Starts producing events (the interest set must have been applied).
  Status attach();
  void detach();

  const std::vector<int>& ringbuf_fds() const { return ringbuf_fds_; }
  uint32_t cpus_per_ringbuf() const { return cpus_per_ringbuf_; }
  std::vector<DriverCounters> counters() const;
  // Native syscall numbers currently enabled in the kernel.
  std::vector<int> enabled_syscalls() const;

 private:
  BpfDriver() = default;
  Status attach_program(int which, bool wanted);

  vigil_bpf* skel_ = nullptr;
  std::vector<int> ringbuf_fds_;
  uint32_t cpus_per_ringbuf_ = 1;
  bool attached_ = false;
  bool want_[4] = {};
  bpf_link* links_[4] = {};
};

}  // namespace vigil::capture::live
