// Watched host names resolved in the background (HostnameResolution::Background): the event
// thread never waits for a lookup, names apply once their answer arrives, answers are refreshed,
// and the number of names is bounded with every refusal counted.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "inspector_test_support.h"
#include "test_paths.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;

namespace {

capture::CaptureMetadata one_process() { return test::machine_of({test::process_thread(100, "client", "/tmp")}); }

// fd.sip.name of a UDP socket (fd 4) that just sent to `dst`, joined with ','.
std::string sip_names(inspect::Inspector& inspector, std::array<uint8_t, 4> dst, uint64_t& num) {
  inspector.process(test::udp_socket_event(100, 4).view(num++));
  test::TestEvent send = test::sendto_event(100, 4, {10, 0, 0, 9}, dst, 443);  // alive while ctx is read
  const inspect::EventContext& ctx = inspector.process(send.view(num++));
  return test::joined_field_texts(inspector, ctx, "fd.sip.name");
}

// Processes events until fd.sip.name of `dst` reads `want` (at most 20 s: a lookup that never
// finishes fails the test instead of hanging it).
bool eventually_names(inspect::Inspector& inspector, std::array<uint8_t, 4> dst, const std::string& want,
                      uint64_t& num) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (sip_names(inspector, dst, num) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

struct EmptyHosts {
  std::string path = test::temp_dir() + "/hosts";
  EmptyHosts() { std::ofstream(path) << ""; }
};

// Options where only watched names are known (`hosts` must outlive the inspector), looked up by
// `resolver`.
inspect::InspectorOptions resolving_with(const EmptyHosts& hosts, const inspect::HostnameResolver* resolver) {
  inspect::InspectorOptions opts;
  opts.hosts_file = hosts.path;
  opts.hostname_resolver = resolver;
  return opts;
}

// A resolver whose lookups wait until the test opens the gate (at most 20 s), like a DNS server
// that does not answer; then "pool.example" is 10.1.2.3 and every other name is unknown.
class GatedResolver final : public inspect::HostnameResolver {
 public:
  bool resolve(std::string_view name, std::vector<inspect::IpValue>& out) const override {
    std::unique_lock<std::mutex> lock(mu_);
    ++started_;
    if (!cv_.wait_for(lock, std::chrono::seconds(20), [&] { return open_; })) return false;
    if (name != "pool.example") return false;
    inspect::IpValue ip;
    ip.family = 4;
    ip.addr = {10, 1, 2, 3};
    out.push_back(ip);
    return true;
  }
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int started() const {
    std::lock_guard<std::mutex> lock(mu_);
    return started_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable int started_ = 0;
  bool open_ = false;
};

// Answers "moving.example" with whatever address the test last set.
class MovingResolver final : public inspect::HostnameResolver {
 public:
  bool resolve(std::string_view name, std::vector<inspect::IpValue>& out) const override {
    ++lookups;
    if (name != "moving.example") return false;
    inspect::IpValue ip;
    ip.family = 4;
    ip.addr = {10, 0, 0, last_octet.load()};
    out.push_back(ip);
    return true;
  }
  std::atomic<uint8_t> last_octet{1};
  mutable std::atomic<int> lookups{0};
};

}  // namespace

TEST_CASE("a watched host name resolves in the background: events never wait, the name applies once answered") {
  EmptyHosts hosts;
  GatedResolver resolver;
  inspect::Inspector inspector(resolving_with(hosts, &resolver));
  REQUIRE(inspector.seed(one_process()).ok());

  // The lookup is stuck, yet watch_hostname returns and events flow.
  REQUIRE(inspector.watch_hostname("pool.example").ok());
  uint64_t num = 1;
  for (int i = 0; i < 200; ++i) CHECK(sip_names(inspector, {10, 1, 2, 3}, num) == "");
  CHECK(inspector.stats().hostnames_watched == 1);
  CHECK(inspector.stats().hostnames_pending == 1);
  CHECK(inspector.stats().hostname_answers_while_pending >= 200);
  CHECK(inspector.stats().hostname_lookups == 0);
  CHECK(resolver.started() <= 1);

  resolver.open();
  CHECK(eventually_names(inspector, {10, 1, 2, 3}, "pool.example", num));
  CHECK(sip_names(inspector, {10, 1, 2, 4}, num) == "");
  CHECK(inspector.stats().hostnames_pending == 0);
  CHECK(inspector.stats().hostname_lookups == 1);
  CHECK(inspector.stats().hostname_lookup_failures == 0);
  const uint64_t while_pending = inspector.stats().hostname_answers_while_pending;
  sip_names(inspector, {10, 1, 2, 3}, num);
  CHECK(inspector.stats().hostname_answers_while_pending == while_pending);  // nothing pending now

  // A name that does not resolve is answered (no address) and counted, never pending forever.
  REQUIRE(inspector.watch_hostname("nowhere.example").ok());
  REQUIRE(inspector.watch_hostname("nowhere.example").ok());  // watched once
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (inspector.stats().hostname_lookup_failures == 0 && std::chrono::steady_clock::now() < deadline) {
    sip_names(inspector, {10, 1, 2, 3}, num);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(inspector.stats().hostname_lookup_failures == 1);
  CHECK(inspector.stats().hostnames_watched == 2);
  CHECK(inspector.stats().hostnames_pending == 0);
  CHECK(sip_names(inspector, {10, 1, 2, 3}, num) == "pool.example");
}

TEST_CASE("an inspector destroyed while a lookup is stuck waits only for that lookup") {
  EmptyHosts hosts;
  GatedResolver resolver;
  std::thread opener;
  {
    inspect::Inspector inspector(resolving_with(hosts, &resolver));
    REQUIRE(inspector.watch_hostname("pool.example").ok());
    REQUIRE(inspector.watch_hostname("second.example").ok());
    while (resolver.started() == 0) std::this_thread::yield();
    opener = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      resolver.open();
    });
  }
  opener.join();
  // The injected resolver must outlive the inspector: the destructor waited for the lookup in
  // progress and started no other one.
  CHECK(resolver.started() == 1);
}

TEST_CASE("watched host names are looked up again, so a changed DNS answer replaces the old one") {
  EmptyHosts hosts;
  MovingResolver resolver;
  inspect::InspectorOptions opts = resolving_with(hosts, &resolver);
  opts.hostname_refresh = std::chrono::milliseconds(20);
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(one_process()).ok());
  REQUIRE(inspector.watch_hostname("moving.example").ok());
  uint64_t num = 1;
  REQUIRE(eventually_names(inspector, {10, 0, 0, 1}, "moving.example", num));
  resolver.last_octet = 2;
  CHECK(eventually_names(inspector, {10, 0, 0, 2}, "moving.example", num));
  CHECK(sip_names(inspector, {10, 0, 0, 1}, num) == "");
  CHECK(inspector.stats().hostname_lookups >= 2);
  CHECK(resolver.lookups.load() >= 2);
}

TEST_CASE("no more host names are watched than max_watched_hostnames, and every refusal is counted") {
  EmptyHosts hosts;
  MovingResolver resolver;
  inspect::InspectorOptions opts = resolving_with(hosts, &resolver);
  opts.max_watched_hostnames = 3;
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(one_process()).ok());
  int refused = 0;
  for (int i = 0; i < 5; ++i) {
    const Status st = inspector.watch_hostname("name" + std::to_string(i) + ".example");
    if (!st.ok()) {
      ++refused;
      CHECK(st.error().message.find("at most 3 names") != std::string::npos);
    }
  }
  CHECK(refused == 2);
  CHECK(inspector.stats().hostnames_refused == 2);
  CHECK(inspector.watch_hostname("name0.example").ok());  // already watched: no refusal
  uint64_t num = 1;
  sip_names(inspector, {10, 0, 0, 1}, num);
  CHECK(inspector.stats().hostnames_watched == 3);
  CHECK(inspector.stats().hostnames_refused == 2);
}

TEST_CASE("the addresses of background answers are bounded and the ones left out are counted") {
  EmptyHosts hosts;
  MovingResolver resolver;
  inspect::InspectorOptions opts = resolving_with(hosts, &resolver);
  opts.max_hostname_addresses = 0;
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(one_process()).ok());
  REQUIRE(inspector.watch_hostname("moving.example").ok());
  uint64_t num = 1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (inspector.stats().hostname_lookups == 0 && std::chrono::steady_clock::now() < deadline)
    CHECK(sip_names(inspector, {10, 0, 0, 1}, num) == "");
  CHECK(inspector.stats().hostname_addresses_dropped == 1);
  CHECK(sip_names(inspector, {10, 0, 0, 1}, num) == "");
}

TEST_CASE("by default the system resolver answers in the background: localhost names 127.0.0.1") {
  EmptyHosts hosts;  // the inspector's own hosts file knows nothing; getaddrinfo reads /etc/hosts
  inspect::Inspector inspector(resolving_with(hosts, nullptr));  // nullptr: the system's resolver
  REQUIRE(inspector.seed(one_process()).ok());
  REQUIRE(inspector.watch_hostname("localhost").ok());
  uint64_t num = 1;
  CHECK(eventually_names(inspector, {127, 0, 0, 1}, "localhost", num));
  CHECK(inspector.stats().hostname_lookups >= 1);
}
