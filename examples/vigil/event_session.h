// Where the CLI's events come from: a capture file (-e) or this machine's kernel (live), and how a
// live capture ends (SIGINT/SIGTERM, -M seconds). Shared by detection, printing and recording.
//
// One session per process: the signal handlers reach the live source through a process-wide
// pointer, which is why this lives in the CLI and not in a library.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli_options.h"
#include "vigil/capture/event_source.h"
#include "vigil/capture/live_source.h"
#include "vigil/capture/scap_reader.h"

namespace vigil::cli {

class EventSession {
 public:
  // Opens the capture file, or the live source with `interest` when options.input is empty.
  // Errors say why (missing file, not root, no BTF, driver failure).
  static Result<std::unique_ptr<EventSession>> open(const CliOptions& options, capture::ReadMode mode,
                                                   const capture::InterestSet& interest,
                                                   uint64_t ring_buffer_bytes = 0, uint32_t cpus_per_ring_buffer = 0);
  ~EventSession();

  // The next event, skipping live timeouts (or returning Timeout when `idle_returns`, so the
  // caller can act on signals on a quiet host); ends at end of file, on SIGINT/SIGTERM or when
  // the duration is over. Ctrl-C on a file replay stops it too.
  capture::NextStatus next(capture::EventView& out, bool idle_returns = false);

  capture::EventSource& source() { return *source_; }
  bool live() const { return live_ != nullptr; }
  capture::LiveSource* live_source() { return live_; }
  const std::string& name() const { return name_; }
  // Events the driver dropped so far (0 for files).
  uint64_t drops() const;
  // True once a signal asked to stop.
  bool interrupted() const;
  // True once after each SIGUSR1: outputs should reopen their files (log rotation), as in Falco.
  static bool reopen_requested();
  // True once after each SIGHUP: the configuration and rules should be reloaded.
  static bool reload_requested();

 private:
  EventSession() = default;
  std::unique_ptr<capture::EventSource> source_;
  capture::LiveSource* live_ = nullptr;
  std::string name_;
  bool has_deadline_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point deadline_;
  uint64_t deadline_epoch_ns_ = 0;  // the same deadline on the events' clock (ns since the epoch)
};

// The enter events that have an exit of the same name right after them in the newest schema.
// Live normalized output hides those the driver sends (open, connect, ...): their exit event
// carries everything, as in a normalized file replay. Built once from the schema so the per-event
// test is one table load. Immutable after construction: safe to share between threads.
class PairedEnterTable {
 public:
  PairedEnterTable();
  bool is_paired_enter(uint16_t type) const { return type < paired_.size() && paired_[type] != 0; }

 private:
  std::vector<uint8_t> paired_;  // by event id: 1 for an enter event with a same-name exit
};

}  // namespace vigil::cli
