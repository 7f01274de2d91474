// The Outputs dispatcher: bounded queues with drop counting, the token bucket, per-output minimum
// priorities, buffered and unbuffered modes, flush and close, and rendering options.
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <thread>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "test_paths.h"
#include "vigil/engine/alert_sink.h"
#include "vigil/engine/outputs.h"

using namespace vigil::engine;
using vigil::Status;

namespace {

Alert make_alert(Priority p, const std::string& rule = "r") {
  Alert a;
  a.time_ns = 1470327477881781397ull;
  a.rule = rule;
  a.priority = p;
  a.source = "syscall";
  a.tags = {"t"};
  a.message = "msg " + rule;
  a.text = "2016-08-04T16:17:57.881781397+0000: " + std::string(priority_name(p)) + " msg " + rule;
  a.hostname = "h";
  a.output_fields = {{"proc.name", "cat", Alert::Field::Kind::String}};
  return a;
}

// A sink whose writes block until release(); records what it got.
class Gate {
 public:
  std::unique_ptr<AlertSink> sink() {
    return make_callback_sink([this](const RenderedAlert& a) {
      std::unique_lock lk(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lk, [&] { return open_; });
      got_.push_back(a.rule);
      return vigil::Status();
    });
  }
  // Bounded wait until `n` writes started.
  bool wait_entered(int n) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, std::chrono::seconds(10), [&] { return entered_ >= n; });
  }
  void release() {
    std::lock_guard lk(mu_);
    open_ = true;
    cv_.notify_all();
  }
  std::vector<std::string> got() {
    std::lock_guard lk(mu_);
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  bool open_ = false;
  std::vector<std::string> got_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Bounded wait for a condition on the stats.
template <typename Pred>
bool wait_stats(Outputs& o, Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred(o.stats())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

}  // namespace

TEST_CASE("a stalled output fills its queue, drops are counted, and other outputs keep delivering") {
  Gate gate;
  std::vector<std::string> fast_got;
  std::mutex fast_mu;
  Outputs outputs;
  outputs.add_sink("slow", gate.sink(), {.queue_capacity = 2});
  outputs.add_sink("fast", make_callback_sink([&](const RenderedAlert& a) {
                     std::lock_guard lk(fast_mu);
                     fast_got.push_back(a.rule);
                     return vigil::Status();
                   }),
                   {.queue_capacity = 100});
  REQUIRE(outputs.send(make_alert(Priority::Warning, "a0")));
  REQUIRE(gate.wait_entered(1));  // the slow worker now holds a0
  for (int i = 1; i < 10; ++i) REQUIRE(outputs.send(make_alert(Priority::Warning, "a" + std::to_string(i))));
  auto st = outputs.stats();
  CHECK(st.alerts == 10);
  CHECK(st.sinks[0].name == "slow");
  CHECK(st.sinks[0].queued == 2);
  CHECK(st.sinks[0].dropped == 7);
  REQUIRE(wait_stats(outputs, [](const OutputsStats& s) { return s.sinks[1].sent == 10; }));
  CHECK(outputs.stats().sinks[1].dropped == 0);

  gate.release();
  REQUIRE(outputs.flush().ok());
  st = outputs.stats();
  CHECK(st.sinks[0].sent == 3);
  CHECK(st.sinks[0].dropped == 7);
  CHECK(st.sinks[0].queued == 0);
  CHECK(gate.got() == std::vector<std::string>{"a0", "a1", "a2"});
}

TEST_CASE("close gives up on an output that never returns and counts what it held as dropped") {
  Gate gate;
  auto outputs = std::make_unique<Outputs>();
  outputs->add_sink("stuck", gate.sink(), {.queue_capacity = 4});
  REQUIRE(outputs->send(make_alert(Priority::Error)));
  REQUIRE(gate.wait_entered(1));
  REQUIRE(outputs->send(make_alert(Priority::Error)));
  vigil::Status st = outputs->close(std::chrono::milliseconds(50));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "outputs abandoned while still busy: stuck");
  CHECK(outputs->stats().sinks[0].dropped == 2);
  CHECK(outputs->send(make_alert(Priority::Error)));  // accepted by the limiter...
  CHECK(outputs->stats().sinks[0].dropped == 3);      // ...but dropped: the outputs are closed
  // Let the abandoned worker return from the gate before the gate goes away.
  gate.release();
  REQUIRE(wait_stats(*outputs, [](const OutputsStats& s) { return s.sinks[0].sent == 1; }));
  CHECK(gate.got().size() == 1);
}

TEST_CASE("the token bucket allows max_burst alerts, then rate per second") {
  TokenBucket b(2.0, 3.0, 0);
  CHECK(b.claim(0));
  CHECK(b.claim(0));
  CHECK(b.claim(0));
  CHECK_FALSE(b.claim(0));
  CHECK_FALSE(b.claim(400000000));  // 0.8 tokens after 0.4 s
  CHECK(b.claim(500000000));        // 1.0 token after 0.5 s
  CHECK_FALSE(b.claim(500000000));
  CHECK(b.claim(100000000000ull));  // a long pause refills only up to max_burst
  CHECK(b.claim(100000000000ull));
  CHECK(b.claim(100000000000ull));
  CHECK_FALSE(b.claim(100000000000ull));
  TokenBucket unlimited(0, 1, 0);
  for (int i = 0; i < 1000; ++i) REQUIRE(unlimited.claim(0));
}

TEST_CASE("outputs.rate and outputs.max_burst throttle alerts before any output sees them") {
  uint64_t now = 5000000000ull;
  OutputsOptions o;
  o.rate = 1;
  o.max_burst = 2;
  o.clock = [&now] { return now; };
  Outputs outputs(o);
  std::atomic<int> delivered{0};
  outputs.add_sink("count", make_callback_sink([&](const RenderedAlert&) {
                     ++delivered;
                     return vigil::Status();
                   }));
  int accepted = 0;
  for (int i = 0; i < 5; ++i) accepted += outputs.send(make_alert(Priority::Warning));
  CHECK(accepted == 2);
  now += 1000000000ull;
  CHECK(outputs.send(make_alert(Priority::Warning)));
  CHECK_FALSE(outputs.send(make_alert(Priority::Warning)));
  REQUIRE(outputs.flush().ok());
  auto st = outputs.stats();
  CHECK(st.alerts == 7);
  CHECK(st.rate_limited == 4);
  CHECK(st.sinks[0].sent == 3);
  CHECK(delivered == 3);
}

TEST_CASE("each output only receives alerts at or above its minimum priority") {
  std::vector<Priority> loud, all;
  std::mutex mu;
  Outputs outputs;
  outputs.add_sink("loud", make_callback_sink([&](const RenderedAlert& a) {
                     std::lock_guard lk(mu);
                     loud.push_back(a.priority);
                     return vigil::Status();
                   }),
                   {.min_priority = Priority::Warning});
  outputs.add_sink("all", make_callback_sink([&](const RenderedAlert& a) {
                     std::lock_guard lk(mu);
                     all.push_back(a.priority);
                     return vigil::Status();
                   }));
  for (Priority p : {Priority::Debug, Priority::Warning, Priority::Notice, Priority::Critical, Priority::Emergency}) {
    REQUIRE(outputs.send(make_alert(p)));
  }
  REQUIRE(outputs.flush().ok());
  CHECK(loud == std::vector<Priority>{Priority::Warning, Priority::Critical, Priority::Emergency});
  CHECK(all.size() == 5);
  auto st = outputs.stats();
  CHECK(st.sinks[0].filtered == 2);
  CHECK(st.sinks[0].sent == 3);
  CHECK(st.sinks[1].filtered == 0);
}

TEST_CASE("unbuffered outputs flush after every alert; buffered ones only on flush") {
  for (bool buffered : {false, true}) {
    std::string path = vigil::test::temp_dir() + "/events.txt";
    OutputsOptions o;
    o.buffered = buffered;
    Outputs outputs(o);
    outputs.add_sink("file", make_file_sink({path, true}));
    Alert a = make_alert(Priority::Warning);
    REQUIRE(outputs.send(a));
    REQUIRE(wait_stats(outputs, [](const OutputsStats& s) { return s.sinks[0].sent == 1; }));
    CHECK(read_file(path) == (buffered ? "" : a.text + "\n"));
    REQUIRE(outputs.flush().ok());
    CHECK(read_file(path) == a.text + "\n");
  }
}

TEST_CASE("reopen is ordered after the alerts already queued") {
  std::string dir = vigil::test::temp_dir();
  std::string path = dir + "/events.txt";
  Outputs outputs;
  outputs.add_sink("file", make_file_sink({path, true}));
  REQUIRE(outputs.send(make_alert(Priority::Warning, "one")));
  REQUIRE(outputs.flush().ok());
  std::filesystem::rename(path, path + ".1");
  REQUIRE(outputs.send(make_alert(Priority::Warning, "two")));
  outputs.reopen();
  REQUIRE(outputs.send(make_alert(Priority::Warning, "three")));
  REQUIRE(outputs.close().ok());
  CHECK(read_file(path + ".1") == make_alert(Priority::Warning, "one").text + "\n" +
                                      make_alert(Priority::Warning, "two").text + "\n");
  CHECK(read_file(path) == make_alert(Priority::Warning, "three").text + "\n");
}

TEST_CASE("failed deliveries are counted and reported to on_error with the output name") {
  std::mutex mu;
  std::vector<std::string> errors;
  OutputsOptions o;
  o.on_error = [&](const std::string& sink, const vigil::Error& e) {
    std::lock_guard lk(mu);
    errors.push_back(sink + ": " + e.to_string());
  };
  Outputs outputs(o);
  outputs.add_sink("file", make_file_sink({"/nonexistent-dir/events.txt", false}));
  REQUIRE(outputs.send(make_alert(Priority::Warning)));
  REQUIRE(outputs.flush().ok());
  auto st = outputs.stats();
  CHECK(st.sinks[0].failed == 1);
  CHECK(st.sinks[0].sent == 0);
  std::lock_guard lk(mu);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "file: /nonexistent-dir/events.txt: cannot open alert file: No such file or directory");
}

TEST_CASE("close drains every queue and the counters stay readable afterwards") {
  std::atomic<int> n{0};
  Outputs outputs;
  outputs.add_sink("count", make_callback_sink([&](const RenderedAlert&) {
                     ++n;
                     return vigil::Status();
                   }),
                   {.queue_capacity = 1000});
  for (int i = 0; i < 500; ++i) REQUIRE(outputs.send(make_alert(Priority::Notice)));
  REQUIRE(outputs.close().ok());
  CHECK(n == 500);
  CHECK(outputs.stats().sinks[0].sent + outputs.stats().sinks[0].dropped == 500);
  CHECK(outputs.stats().sinks[0].dropped == 0);
  REQUIRE(outputs.close().ok());  // idempotent
}

TEST_CASE("json_output switches line outputs to the JSON alert; json_include_message_property adds message") {
  Alert a = make_alert(Priority::Error, "rule x");
  RenderedAlert text = render_alert(a, {});
  CHECK(text.line == a.text);
  CHECK(text.json == a.to_json());
  AlertFormat f;
  f.json_output = true;
  f.include_output_fields = false;
  f.include_message = true;
  RenderedAlert json = render_alert(a, f);
  CHECK(json.line == json.json);
  CHECK(json.json ==
        R"({"hostname":"h","message":"msg rule x","output":"2016-08-04T16:17:57.881781397+0000: Error msg rule x","priority":"Error","rule":"rule x","source":"syscall","tags":["t"],"time":"2016-08-04T16:17:57.881781397Z"})");
  CHECK(json.priority == Priority::Error);
  CHECK(json.rule == "rule x");
}

TEST_CASE("the JSON alert is only built when json_output or an output needs it") {
  std::mutex mu;
  std::vector<std::string> jsons;
  auto record = [&](const RenderedAlert& a) {
    std::lock_guard lk(mu);
    jsons.push_back(a.json);
    return vigil::Status();
  };
  {
    Outputs text_only;
    text_only.add_sink("line", make_callback_sink(record, false));
    REQUIRE(text_only.send(make_alert(Priority::Warning)));
    REQUIRE(text_only.close().ok());
  }
  {
    Outputs with_json;
    with_json.add_sink("line", make_callback_sink(record, false));
    with_json.add_sink("json", make_callback_sink([](const RenderedAlert&) { return vigil::Status(); }, true));
    REQUIRE(with_json.send(make_alert(Priority::Warning)));
    REQUIRE(with_json.close().ok());
  }
  REQUIRE(jsons.size() == 2);
  CHECK(jsons[0].empty());
  CHECK(jsons[1] == make_alert(Priority::Warning).to_json());
}
