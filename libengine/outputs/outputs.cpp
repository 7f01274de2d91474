// Outputs: one bounded queue and worker thread per sink, a shared token bucket in front.
#include "vigil/engine/outputs.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace vigil::engine {

namespace {

uint64_t steady_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

// A sink with its queue and worker. Shared with the worker thread so that a worker abandoned by
// close() (its sink hangs) never touches freed memory.
struct Channel {
  enum class Kind : uint8_t { Alert, Flush, Reopen, Stop };
  struct Item {
    Kind kind;
    std::shared_ptr<const RenderedAlert> alert;
    uint64_t ticket = 0;
  };

  std::string name;
  std::unique_ptr<AlertSink> sink;
  SinkPolicy policy;
  bool buffered = false;
  std::function<void(const std::string&, const Error&)> on_error;

  std::mutex mu;
  std::condition_variable work_cv;
  std::condition_variable done_cv;
  std::deque<Item> queue;
  size_t alerts_queued = 0;
  bool in_flight = false;  // the worker holds an alert
  bool stopped = false;    // no more items accepted
  uint64_t next_ticket = 0;
  uint64_t done_ticket = 0;
  SinkStats stats;

  void report(const Status& st) {
    if (st.ok() || !on_error) return;
    on_error(name, st.error());
  }

  void run() {
    for (;;) {
      Item item;
      {
        std::unique_lock lk(mu);
        work_cv.wait(lk, [&] { return !queue.empty(); });
        item = std::move(queue.front());
        queue.pop_front();
        if (item.kind == Kind::Alert) {
          --alerts_queued;
          in_flight = true;
        }
      }
      Status st;
      if (item.kind == Kind::Alert && !sink->available()) {
        std::lock_guard lk(mu);
        in_flight = false;
        ++stats.dropped;
        done_cv.notify_all();
        continue;
      }
      switch (item.kind) {
        case Kind::Alert:
          st = sink->write(*item.alert);
          if (st.ok() && !buffered) st = sink->flush();
          break;
        case Kind::Flush:
        case Kind::Stop: st = sink->flush(); break;
        case Kind::Reopen: st = sink->reopen(); break;
      }
      {
        std::lock_guard lk(mu);
        if (item.kind == Kind::Alert) {
          in_flight = false;
          if (st.ok()) {
            ++stats.sent;
          } else {
            ++stats.failed;
          }
        }
        if (!st.ok()) stats.last_error = st.error().to_string();
        if (item.ticket) done_ticket = std::max(done_ticket, item.ticket);
      }
      done_cv.notify_all();
      report(st);
      if (item.kind == Kind::Stop) return;
    }
  }

  void enqueue_alert(std::shared_ptr<const RenderedAlert> alert) {
    if (static_cast<uint8_t>(alert->priority) > static_cast<uint8_t>(policy.min_priority)) {
      std::lock_guard lk(mu);
      ++stats.filtered;
      return;
    }
    {
      std::lock_guard lk(mu);
      if (stopped || alerts_queued >= std::max<size_t>(1, policy.queue_capacity)) {
        ++stats.dropped;
        return;
      }
      queue.push_back({Kind::Alert, std::move(alert), 0});
      ++alerts_queued;
    }
    work_cv.notify_one();
  }

  // Queues a control item and returns its ticket (0 when the channel is stopped).
  uint64_t enqueue_control(Kind kind) {
    uint64_t ticket;
    {
      std::lock_guard lk(mu);
      if (stopped) return 0;
      ticket = ++next_ticket;
      queue.push_back({kind, nullptr, ticket});
      if (kind == Kind::Stop) stopped = true;
    }
    work_cv.notify_one();
    return ticket;
  }

  bool wait_ticket(uint64_t ticket, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lk(mu);
    return done_cv.wait_until(lk, deadline, [&] { return done_ticket >= ticket; });
  }
};

}  // namespace

struct Outputs::State {
  OutputsOptions options;
  std::mutex bucket_mu;
  TokenBucket bucket;
  std::atomic<uint64_t> alerts{0};
  std::atomic<uint64_t> rate_limited{0};
  std::vector<std::shared_ptr<Channel>> channels;
  std::vector<std::thread> threads;
  bool closed = false;
  bool any_json = false;  // some sink reads RenderedAlert::json

  explicit State(OutputsOptions o)
      : options(std::move(o)), bucket(options.rate, options.max_burst, now()) {}

  uint64_t now() const { return options.clock ? options.clock() : steady_ns(); }
};

Outputs::Outputs(OutputsOptions options) : s_(std::make_unique<State>(std::move(options))) {}

Outputs::~Outputs() { (void)close(); }

void Outputs::add_sink(std::string name, std::unique_ptr<AlertSink> sink, SinkPolicy policy) {
  auto ch = std::make_shared<Channel>();
  ch->name = name;
  ch->stats.name = std::move(name);
  s_->any_json |= sink->needs_json();
  ch->sink = std::move(sink);
  ch->policy = policy;
  ch->buffered = s_->options.buffered;
  ch->on_error = s_->options.on_error;
  if (s_->closed) ch->stopped = true;
  s_->channels.push_back(ch);
  s_->threads.emplace_back(s_->closed ? std::thread() : std::thread([ch] { ch->run(); }));
}

bool Outputs::send(const Alert& alert) {
  s_->alerts.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lk(s_->bucket_mu);
    if (!s_->bucket.claim(s_->now())) {
      s_->rate_limited.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  }
  auto rendered = std::make_shared<const RenderedAlert>(render_alert(alert, s_->options.format, s_->any_json));
  for (auto& ch : s_->channels) ch->enqueue_alert(rendered);
  return true;
}

bool Outputs::send(std::shared_ptr<const RenderedAlert> alert) {
  s_->alerts.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lk(s_->bucket_mu);
    if (!s_->bucket.claim(s_->now())) {
      s_->rate_limited.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  }
  for (auto& ch : s_->channels) ch->enqueue_alert(alert);
  return true;
}

void Outputs::reopen() {
  for (auto& ch : s_->channels) ch->enqueue_control(Channel::Kind::Reopen);
}

Status Outputs::flush(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<uint64_t> tickets;
  for (auto& ch : s_->channels) tickets.push_back(ch->enqueue_control(Channel::Kind::Flush));
  std::string slow;
  for (size_t i = 0; i < s_->channels.size(); ++i) {
    if (tickets[i] == 0) continue;
    if (!s_->channels[i]->wait_ticket(tickets[i], deadline)) slow += (slow.empty() ? "" : ", ") + s_->channels[i]->name;
  }
  if (!slow.empty()) return Error{"outputs did not flush in time: " + slow};
  return {};
}

Status Outputs::close(std::chrono::milliseconds timeout) {
  if (s_->closed) return {};
  s_->closed = true;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<uint64_t> tickets;
  for (auto& ch : s_->channels) tickets.push_back(ch->enqueue_control(Channel::Kind::Stop));
  std::string slow;
  for (size_t i = 0; i < s_->channels.size(); ++i) {
    auto& ch = s_->channels[i];
    auto& thread = s_->threads[i];
    if (tickets[i] == 0 || ch->wait_ticket(tickets[i], deadline)) {
      if (thread.joinable()) thread.join();
      continue;
    }
    // The sink hangs: give up on it, and count what it will never deliver.
    {
      std::lock_guard lk(ch->mu);
      ch->stats.dropped += ch->alerts_queued + (ch->in_flight ? 1 : 0);
      std::erase_if(ch->queue, [](const Channel::Item& it) { return it.kind == Channel::Kind::Alert; });
      ch->alerts_queued = 0;
    }
    if (thread.joinable()) thread.detach();
    slow += (slow.empty() ? "" : ", ") + ch->name;
  }
  if (!slow.empty()) return Error{"outputs abandoned while still busy: " + slow};
  return {};
}

OutputsStats Outputs::stats() const {
  OutputsStats out;
  out.alerts = s_->alerts.load(std::memory_order_relaxed);
  out.rate_limited = s_->rate_limited.load(std::memory_order_relaxed);
  for (auto& ch : s_->channels) {
    std::lock_guard lk(ch->mu);
    SinkStats st = ch->stats;
    st.queued = ch->alerts_queued;
    out.sinks.push_back(std::move(st));
  }
  return out;
}

const AlertFormat& Outputs::format() const { return s_->options.format; }

}  // namespace vigil::engine
