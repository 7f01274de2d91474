#include "event_session.h"

#include <csignal>
#include <cstdio>

#include <atomic>

#include "vigil/capture/event_schema.h"

namespace vigil::cli {
namespace {

// The signal handlers' view of the session: the live source to stop and the fact that a signal
// came. Written by the main thread before handlers are installed.
std::atomic<capture::LiveSource*> g_live{nullptr};
volatile std::sig_atomic_t g_signalled = 0;
volatile std::sig_atomic_t g_reopen = 0;
volatile std::sig_atomic_t g_reload = 0;

extern "C" void on_reopen_signal(int) { g_reopen = 1; }
extern "C" void on_reload_signal(int) { g_reload = 1; }

extern "C" void on_stop_signal(int) {
  g_signalled = 1;
  // LiveSource::stop() only sets a flag the reading thread checks: safe in a handler.
  if (capture::LiveSource* live = g_live.load(std::memory_order_relaxed)) live->stop();
}

void install_stop_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_reopen_signal;
  sigaction(SIGUSR1, &sa, nullptr);
  sa.sa_handler = on_reload_signal;
  sigaction(SIGHUP, &sa, nullptr);
}

}  // namespace

Result<std::unique_ptr<EventSession>> EventSession::open(const CliOptions& options, capture::ReadMode mode,
                                                        const capture::InterestSet& interest,
                                                        uint64_t ring_buffer_bytes, uint32_t cpus_per_ring_buffer) {
  std::unique_ptr<EventSession> s(new EventSession());
  if (!options.input.empty()) {
    capture::ReaderOptions ropts;
    ropts.mode = mode;
    auto reader = capture::ScapReader::open(options.input, ropts);
    if (!reader) return reader.error();
    s->source_ = std::move(*reader);
    s->name_ = options.input;
    install_stop_handlers();
    return s;
  }
  capture::LiveOptions lopts;
  lopts.interest = interest;
  if (ring_buffer_bytes != 0) lopts.ring_buffer_bytes = static_cast<uint32_t>(ring_buffer_bytes);
  if (cpus_per_ring_buffer != 0) lopts.cpus_per_ring_buffer = cpus_per_ring_buffer;
  auto live = capture::LiveSource::open(lopts);
  if (!live) {
    Error e = live.error();
    e.message = "live capture is impossible on this machine: " + e.message;
    return e;
  }
  s->live_ = live->get();
  s->source_ = std::move(*live);
  s->name_ = "live capture";
  if (options.duration_seconds > 0) {
    s->has_deadline_ = true;
    s->deadline_ = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(options.duration_seconds));
    const auto epoch_now = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    s->deadline_epoch_ns_ = static_cast<uint64_t>(epoch_now.count()) +
                            static_cast<uint64_t>(options.duration_seconds * 1e9);
  }
  g_live.store(s->live_);
  install_stop_handlers();
  std::fprintf(stderr, "vigil: live capture started (%u ring buffer(s), %zu threads in the /proc snapshot)\n",
               s->live_->ring_buffer_count(), s->live_->metadata().threads.size());
  return s;
}

EventSession::~EventSession() {
  if (live_ != nullptr) g_live.store(nullptr);
}

capture::NextStatus EventSession::next(capture::EventView& out, bool idle_returns) {
  for (;;) {
    if (live_ == nullptr && g_signalled) return capture::NextStatus::EndOfStream;
    const capture::NextStatus st = source_->next(out);
    // Events carry their time, so the deadline costs one comparison per event however busy or
    // quiet the host is; an idle timeout reads the clock instead.
    if (has_deadline_ && !stopping_) {
      const bool due = st == capture::NextStatus::Event ? out.ts() >= deadline_epoch_ns_
                                                         : std::chrono::steady_clock::now() >= deadline_;
      if (due) {
        stopping_ = true;
        live_->stop();
      }
    }
    if (st != capture::NextStatus::Timeout || idle_returns) return st;
  }
}

uint64_t EventSession::drops() const { return source_->stats().dropped; }

bool EventSession::interrupted() const { return g_signalled != 0; }

bool EventSession::reopen_requested() {
  if (g_reopen == 0) return false;
  g_reopen = 0;
  return true;
}

bool EventSession::reload_requested() {
  if (g_reload == 0) return false;
  g_reload = 0;
  return true;
}

PairedEnterTable::PairedEnterTable() {
  const capture::EventSchema& schema = capture::EventSchema::newest();
  paired_.assign(schema.size(), 0);
  // Even ids are enter events (EventView::direction); the exit is the next id.
  for (size_t id = 0; id + 1 < schema.size(); id += 2) {
    paired_[id] = schema[static_cast<uint16_t>(id)].name == schema[static_cast<uint16_t>(id + 1)].name;
  }
}

}  // namespace vigil::cli
