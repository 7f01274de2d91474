// fd.name_changed and the host name fields (fd.cip.name, fd.sip.name, fd.lip.name, fd.rip.name)
// on hand-built socket and file events.
#include <catch2/catch.hpp>

#include <fstream>

#include "event_builder.h"
#include "inspector_test_support.h"
#include "test_paths.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using capture::Direction;
using test::enc_i64;
using test::enc_str;
using test::enc_tuple4;
using test::enc_u32;
using test::joined_field_texts;
using test::TestEvent;

namespace {

capture::CaptureMetadata one_process() {
  capture::CaptureMetadata meta = test::machine_of({test::process_thread(100, "client", "/tmp")});
  capture::InterfaceInfo lo;
  lo.addr = {127, 0, 0, 1};
  lo.name = "lo";
  meta.interfaces.push_back(lo);
  return meta;
}

TestEvent udp_socket(int64_t fd) { return test::udp_socket_event(100, fd); }

TestEvent sendto(int64_t fd, std::array<uint8_t, 4> dst, uint16_t dport) {
  return test::sendto_event(100, fd, {127, 0, 0, 1}, dst, dport);
}

struct TempHosts {
  std::string path = test::temp_dir() + "/hosts";
  explicit TempHosts(const std::string& text) { std::ofstream(path) << text; }
};

// Resolves a fixed set of names, counting the lookups.
class FakeResolver final : public inspect::HostnameResolver {
 public:
  bool resolve(std::string_view name, std::vector<inspect::IpValue>& out) const override {
    ++lookups;
    if (name != "db.internal") return false;
    inspect::IpValue ip;
    ip.family = 4;
    ip.addr = {10, 1, 2, 3};
    ip.prefix_len = 32;
    out.push_back(ip);
    ip.addr = {127, 0, 0, 1};
    out.push_back(ip);
    return true;
  }
  mutable int lookups = 0;
};

}  // namespace

TEST_CASE("fd.name_changed is true on the event that gave an fd a new name, and only then") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(one_process()).ok());

  TestEvent open("openat", Direction::Exit, 100);
  open.set("fd", enc_i64(3)).set("dirfd", enc_i64(-100)).set("name", enc_str("notes.txt")).set("flags", enc_u32(1));
  CHECK(joined_field_texts(inspector, inspector.process(open.view(1)), "fd.name_changed") == "true");
  TestEvent read("read", Direction::Exit, 100);
  read.set("res", enc_i64(0)).set("fd", enc_i64(3));
  CHECK(joined_field_texts(inspector, inspector.process(read.view(2)), "fd.name_changed") == "false");

  // A new socket has no name yet: nothing changed. Its first datagram names it.
  auto sock = udp_socket(4);
  CHECK(joined_field_texts(inspector, inspector.process(sock.view(3)), "fd.name_changed") == "false");
  auto first = sendto(4, {127, 0, 0, 1}, 53);
  const auto& c1 = inspector.process(first.view(4));
  CHECK(joined_field_texts(inspector, c1, "fd.name") == "127.0.0.1:5000->127.0.0.1:53");
  CHECK(joined_field_texts(inspector, c1, "fd.name_changed") == "true");
  auto again = sendto(4, {127, 0, 0, 1}, 53);
  CHECK(joined_field_texts(inspector, inspector.process(again.view(5)), "fd.name_changed") == "false");

  // connect on the existing socket changes its tuple.
  TestEvent conn("connect", Direction::Exit, 100);
  conn.set("res", enc_i64(0)).set("fd", enc_i64(4)).set("tuple", enc_tuple4({127, 0, 0, 1}, 5001, {127, 0, 0, 1}, 8053));
  const auto& c2 = inspector.process(conn.view(6));
  CHECK(joined_field_texts(inspector, c2, "fd.name_changed") == "true");

  // bind names a socket by its local address.
  auto srv = udp_socket(5);
  inspector.process(srv.view(7));
  TestEvent bind("bind", Direction::Exit, 100);
  std::string addr(1, static_cast<char>(capture::kAfInet));
  addr += std::string("\x7f\x00\x00\x01", 4);
  const uint16_t port = 9000;
  addr.append(reinterpret_cast<const char*>(&port), 2);
  bind.set("res", enc_i64(0)).set("addr", addr).set("fd", enc_i64(5));
  const auto& c3 = inspector.process(bind.view(8));
  CHECK(joined_field_texts(inspector, c3, "fd.name") == "127.0.0.1:9000");
  CHECK(joined_field_texts(inspector, c3, "fd.name_changed") == "true");
}

TEST_CASE("fd.sip.name lists the hosts file names of the server address") {
  TempHosts hosts("# comment\n127.0.0.1 localhost loopback-alias\n10.9.9.9 other\n::1 ip6-localhost\n");
  inspect::InspectorOptions opts;
  opts.hosts_file = hosts.path;
  FakeResolver resolver;
  opts.hostname_resolver = &resolver;
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(one_process()).ok());
  auto sock = udp_socket(4);
  inspector.process(sock.view(1));
  auto send = sendto(4, {127, 0, 0, 1}, 53);
  const auto& ctx = inspector.process(send.view(2));
  CHECK(joined_field_texts(inspector, ctx, "fd.sip.name") == "localhost,loopback-alias");
  CHECK(joined_field_texts(inspector, ctx, "fd.cip.name") == "localhost,loopback-alias");
  CHECK(joined_field_texts(inspector, ctx, "fd.lip.name") == "localhost,loopback-alias");
  CHECK(joined_field_texts(inspector, ctx, "fd.rip.name") == "localhost,loopback-alias");
  CHECK(resolver.lookups == 0);  // the hosts file needs no resolver

  // An address without a known name reads as an empty name; a file has none at all.
  auto sock2 = udp_socket(6);
  inspector.process(sock2.view(3));
  auto other = sendto(6, {192, 168, 7, 7}, 53);
  CHECK(joined_field_texts(inspector, inspector.process(other.view(4)), "fd.sip.name") == "");
  TestEvent open("openat", Direction::Exit, 100);
  open.set("fd", enc_i64(3)).set("dirfd", enc_i64(-100)).set("name", enc_str("/etc/hosts")).set("flags", enc_u32(1));
  CHECK(joined_field_texts(inspector, inspector.process(open.view(5)), "fd.sip.name") == "<NA>");
}

TEST_CASE("a synchronously watched host name is resolved once and names the sockets of its addresses") {
  TempHosts hosts("127.0.0.1 localhost\n");
  inspect::InspectorOptions opts;
  opts.hosts_file = hosts.path;
  FakeResolver resolver;
  opts.hostname_resolver = &resolver;
  opts.hostname_resolution = inspect::HostnameResolution::Synchronous;
  inspect::Inspector inspector(opts);
  REQUIRE(inspector.seed(one_process()).ok());
  REQUIRE(inspector.watch_hostname("db.internal").ok());
  REQUIRE(inspector.watch_hostname("db.internal").ok());
  CHECK(resolver.lookups == 1);
  CHECK_FALSE(inspector.watch_hostname("nowhere.invalid").ok());
  CHECK(inspector.watch_hostname("localhost").ok());  // in the hosts file: no lookup
  CHECK(resolver.lookups == 2);

  auto sock = udp_socket(4);
  inspector.process(sock.view(1));
  auto send = sendto(4, {10, 1, 2, 3}, 5432);
  const auto& ctx = inspector.process(send.view(2));
  CHECK(joined_field_texts(inspector, ctx, "fd.sip.name") == "db.internal");
  for (int i = 0; i < 100; ++i) {
    auto again = sendto(4, {10, 1, 2, 3}, 5432);
    joined_field_texts(inspector, inspector.process(again.view(3 + i)), "fd.sip.name");
  }
  CHECK(resolver.lookups == 2);  // nothing per event

  auto local = udp_socket(5);
  inspector.process(local.view(200));
  auto loop = sendto(5, {127, 0, 0, 1}, 53);
  CHECK(joined_field_texts(inspector, inspector.process(loop.view(201)), "fd.sip.name") == "localhost,db.internal");
}

TEST_CASE("synchronously watched host names are bounded in addresses and in names") {
  TempHosts hosts("");
  inspect::InspectorOptions opts;
  opts.hosts_file = hosts.path;
  FakeResolver resolver;
  opts.hostname_resolver = &resolver;
  opts.hostname_resolution = inspect::HostnameResolution::Synchronous;
  opts.max_hostname_addresses = 1;  // db.internal has two addresses
  inspect::Inspector inspector(opts);
  const Status st = inspector.watch_hostname("db.internal");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("at most") != std::string::npos);
  CHECK(inspector.stats().hostname_addresses_dropped == 2);

  opts.max_hostname_addresses = 4096;
  opts.max_watched_hostnames = 0;
  inspect::Inspector none(opts);
  const Status refused = none.watch_hostname("db.internal");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("max_watched_hostnames") != std::string::npos);
  CHECK(none.stats().hostnames_refused == 1);
  CHECK(resolver.lookups == 1);  // a refused name is not even looked up
}

TEST_CASE("the system resolver finds localhost, and the real hosts file names 127.0.0.1") {
  auto resolver = inspect::make_system_hostname_resolver();
  std::vector<inspect::IpValue> addrs;
  REQUIRE(resolver->resolve("localhost", addrs));
  bool loopback = false;
  for (const auto& a : addrs) loopback |= a.family == 4 && a.addr[0] == 127 && a.addr[3] == 1;
  CHECK(loopback);

  const auto entries = inspect::read_hosts_file("/etc/hosts", 1000);
  bool found = false;
  for (const auto& e : entries) found |= e.name == "localhost" && e.addr.family == 4 && e.addr.addr[0] == 127;
  CHECK(found);
}
