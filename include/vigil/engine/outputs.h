// Outputs: delivers alerts to sinks without ever blocking event processing.
//
//   vigil::engine::Outputs outputs({.format = {.json_output = true}});
//   outputs.add_sink("stdout", vigil::engine::make_stdout_sink());
//   outputs.add_sink("http", vigil::engine::make_http_sink({.url = "http://sidekick:2801/"}),
//                    {.min_priority = vigil::engine::Priority::Warning});
//   ... outputs.send(engine.alert(match, ctx, ts, host));       // per alert, never blocks
//   ... outputs.reopen();                                       // on SIGUSR1 (from the main loop)
//   outputs.close();                                            // drains every queue
//
// Each sink has its own bounded queue and worker thread. send() applies the global rate limit
// (Falco's outputs.rate / outputs.max_burst), renders the alert once and queues it for every
// sink whose minimum priority it meets; a full queue drops the alert for that sink and counts it.
//
// Thread safety: send(), reopen(), flush(), stats() may be called from any thread; add_sink()
// and close() from the owning thread only. Two Outputs are independent.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/engine/alert_sink.h"
#include "vigil/engine/engine.h"

namespace vigil::engine {

// A token bucket: `rate` tokens per second up to `max_tokens`, starting full. Falco throttles
// alerts and drop actions with the same rule. Not thread-safe.
class TokenBucket {
 public:
  // rate <= 0 disables limiting: claim() always succeeds.
  TokenBucket(double rate, double max_tokens, uint64_t now_ns);
  // Takes one token if there is one at `now_ns` (monotonic nanoseconds).
  bool claim(uint64_t now_ns);
  double tokens() const { return tokens_; }

 private:
  double rate_;
  double max_tokens_;
  double tokens_;
  uint64_t last_ns_;
};

struct OutputsOptions {
  AlertFormat format;
  double rate = 0;           // alerts per second over all sinks; 0 = unlimited (outputs.rate)
  double max_burst = 1000;   // outputs.max_burst
  bool buffered = false;     // buffered_outputs: false flushes every sink after every alert
  // Monotonic nanoseconds for the rate limiter; empty: std::chrono::steady_clock.
  std::function<uint64_t()> clock;
  // Called from a worker thread when a sink fails (e.g. to log it). Must be thread-safe.
  std::function<void(const std::string& sink, const Error& error)> on_error;
};

struct SinkPolicy {
  Priority min_priority = Priority::Debug;  // alerts less severe are not sent to this sink
  size_t queue_capacity = 1024;             // alerts waiting for the worker; more are dropped
};

// Counters of one sink. `dropped` counts alerts refused by a full queue or skipped while the sink
// said its destination is absent (AlertSink::available), `failed` alerts the sink could not
// deliver, `filtered` alerts below the sink's minimum priority.
struct SinkStats {
  std::string name;
  uint64_t sent = 0;
  uint64_t dropped = 0;
  uint64_t failed = 0;
  uint64_t filtered = 0;
  size_t queued = 0;
  std::string last_error;
};

struct OutputsStats {
  uint64_t alerts = 0;        // send() calls
  uint64_t rate_limited = 0;  // refused by the token bucket, delivered nowhere
  std::vector<SinkStats> sinks;  // in add_sink order
};

class Outputs {
 public:
  explicit Outputs(OutputsOptions options = {});
  ~Outputs();  // close()
  Outputs(const Outputs&) = delete;
  Outputs& operator=(const Outputs&) = delete;

  // Starts a worker for `sink`. `name` labels counters and errors.
  void add_sink(std::string name, std::unique_ptr<AlertSink> sink, SinkPolicy policy = {});

  // Rate-limits, renders and queues. Returns false when the rate limiter refused the alert.
  bool send(const Alert& alert);
  // The same for an alert rendered by the caller (internal alerts, tests).
  bool send(std::shared_ptr<const RenderedAlert> alert);

  // Asks every sink to reopen after the alerts already queued (log rotation).
  void reopen();
  // Waits until every alert queued so far went through its sink and the sinks flushed. Returns an
  // error naming the slow sinks when that takes longer than `timeout`.
  Status flush(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // flush(timeout), then stops the workers. Sinks still blocked after the timeout are abandoned
  // (their thread is detached) and what they still held is counted as dropped. Idempotent.
  Status close(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  OutputsStats stats() const;
  const AlertFormat& format() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace vigil::engine
