// The normalizing converter on hand-built records (scap-format.md §15): each case is one rule or
// one failure mode of the libs' savefile converter.
#include <catch2/catch.hpp>

#include <string>

#include "event_converter_support.h"
#include "scap/event_converter.h"

using namespace vigil::capture;
using namespace vigil::capture::detail;
using vigil::test::Bytes;
using vigil::test::cstr;
using vigil::test::decode;
using vigil::test::le;
using vigil::test::make_record;
using vigil::test::param_bytes;

namespace {

constexpr uint16_t kOpenE = 2, kReadE = 6, kReadX = 7, kConnectE = 22, kConnectX = 23, kPollE = 80;
constexpr uint16_t kContainerE = 228, kContainerJson2E = 324, kExecve16E = 230, kExecve16X = 231;
constexpr uint16_t kExecve19E = 292, kExecve19X = 293, kBpfE = 296, kBpfX = 297, kBpf2X = 369;
constexpr uint16_t kClone20E = 222, kMlockallX = 349, kCloseRangeE = 450;

struct Result {
  EventConverter::Outcome outcome;
  vigil::test::Decoded event;  // the delivered record (input on Pass, output on Converted)
  std::string message;
};

Result run(EventConverter& c, const Bytes& record) {
  std::span<const uint8_t> out;
  Result r;
  r.outcome = c.convert(record, out, r.message);
  if (r.outcome == EventConverter::Outcome::Converted) r.event = decode(out);
  if (r.outcome == EventConverter::Outcome::Pass) r.event = decode(record);
  return r;
}

Bytes sockaddr_inet(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  return {kAfInet, a, b, c, d, static_cast<uint8_t>(port & 0xff), static_cast<uint8_t>(port >> 8)};
}

}  // namespace

TEST_CASE("An open enter event with no parameters comes out with three empty parameters") {
  EventConverter c;
  Result r = run(c, make_record(kOpenE, 10, {}));
  REQUIRE(r.outcome == EventConverter::Outcome::Converted);
  EventView v = r.event.view();
  CHECK(v.type() == kOpenE);
  REQUIRE(v.nparams() == 3);
  for (uint32_t i = 0; i < 3; ++i) CHECK(v.param(i).empty());
  CHECK(c.stats().converted == 1);
}

TEST_CASE("A read exit takes fd and size from its stored enter event, which is not delivered") {
  EventConverter c;
  Result enter = run(c, make_record(kReadE, 42, {le<int64_t>(3), le<uint32_t>(4096)}));
  CHECK(enter.outcome == EventConverter::Outcome::Drop);
  CHECK(c.stats().absorbed_enters == 1);

  Result exit = run(c, make_record(kReadX, 42, {le<int64_t>(5), Bytes{'h', 'e', 'l', 'l', 'o'}}, 2000));
  REQUIRE(exit.outcome == EventConverter::Outcome::Converted);
  EventView v = exit.event.view();
  CHECK(v.type() == kReadX);
  CHECK(v.ts() == 2000);
  CHECK(v.tid() == 42);
  REQUIRE(v.nparams() == 4);
  CHECK(v.param("res").as_i64() == 5);
  CHECK(v.param("data").bytes().size() == 5);
  CHECK(v.param("fd").as_i64() == 3);
  CHECK(v.param("size").as_u32() == 4096);
  CHECK(c.stats().merged_enters == 1);
}

TEST_CASE("A used enter event is freed so the next exit of the thread falls back to defaults") {
  EventConverter c;
  run(c, make_record(kReadE, 42, {le<int64_t>(3), le<uint32_t>(4096)}));
  run(c, make_record(kReadX, 42, {le<int64_t>(5), Bytes{}}));
  Result second = run(c, make_record(kReadX, 42, {le<int64_t>(7), Bytes{}}));
  REQUIRE(second.outcome == EventConverter::Outcome::Converted);
  EventView v = second.event.view();
  REQUIRE(v.nparams() == 4);
  // fd and size are copied "from enter" without the empty fallback: the type defaults, 8 and 4 zeros.
  CHECK(param_bytes(v, 2) == Bytes(8, 0));
  CHECK(param_bytes(v, 3) == Bytes(4, 0));
}

TEST_CASE("Enter events are kept per thread") {
  EventConverter c;
  run(c, make_record(kReadE, 1, {le<int64_t>(11), le<uint32_t>(100)}));
  run(c, make_record(kReadE, 2, {le<int64_t>(22), le<uint32_t>(200)}));
  Result two = run(c, make_record(kReadX, 2, {le<int64_t>(0), Bytes{}}));
  Result one = run(c, make_record(kReadX, 1, {le<int64_t>(0), Bytes{}}));
  CHECK(two.event.view().param("fd").as_i64() == 22);
  CHECK(one.event.view().param("fd").as_i64() == 11);
  CHECK(one.event.view().param("size").as_u32() == 100);
}

TEST_CASE("A read exit already in the newest layout passes unchanged") {
  EventConverter c;
  Bytes rec = make_record(kReadX, 5, {le<int64_t>(1), Bytes{'x'}, le<int64_t>(3), le<uint32_t>(1)});
  Result r = run(c, rec);
  CHECK(r.outcome == EventConverter::Outcome::Pass);
  CHECK(r.event.bytes == rec);
}

TEST_CASE("A 2022 execve exit with 16 parameters comes out as execve_19 with 31 parameters") {
  EventConverter c;
  std::vector<Bytes> p = {le<int64_t>(0),           cstr("/bin/ls"),      Bytes{'-', 'l', 0},
                          le<int64_t>(100),         le<int64_t>(100),     le<int64_t>(1),
                          cstr("/root"),            le<uint64_t>(1024),   le<uint64_t>(1),
                          le<uint64_t>(2),          le<uint32_t>(3),      le<uint32_t>(4),
                          le<uint32_t>(5),          cstr("ls"),           cstr("cpu=/"),
                          Bytes{'A', '=', '1', 0}};
  Result r = run(c, make_record(kExecve16X, 100, p));
  REQUIRE(r.outcome == EventConverter::Outcome::Converted);
  EventView v = r.event.view();
  CHECK(v.type() == kExecve19X);
  REQUIRE(v.nparams() == 31);
  CHECK(v.param("exe").as_string() == "/bin/ls");
  CHECK(v.param("comm").as_string() == "ls");
  CHECK(v.param("cgroups").as_string() == "cpu=/");
  CHECK(v.param("env").as_string() == "A=1");
  CHECK(v.param("fdlimit").as_u64() == 1024);
  CHECK(v.param("vm_swap").as_u32() == 5);
  // Everything the 2022 layout lacked is empty, including filename (nothing stored for the tid).
  for (uint32_t i = 16; i < 31; ++i) CHECK(v.param(i).empty());
}

TEST_CASE("The oldest execve exit, with 8 parameters, climbs every version up to 31 parameters") {
  EventConverter c;
  std::vector<Bytes> p = {le<int64_t>(0),   cstr("/bin/true"), Bytes{}, le<int64_t>(5),
                          le<int64_t>(5),   le<int64_t>(1),    cstr("/"), le<int64_t>(64)};
  Result r = run(c, make_record(12 + 1, 5, p));
  REQUIRE(r.outcome == EventConverter::Outcome::Converted);
  EventView v = r.event.view();
  CHECK(v.type() == kExecve19X);
  REQUIRE(v.nparams() == 31);
  CHECK(v.param("exe").as_string() == "/bin/true");
  CHECK(v.param("cwd").as_string() == "/");
  CHECK(v.param("fdlimit").as_i64() == 64);
  for (uint32_t i = 8; i < 31; ++i) CHECK(v.param(i).empty());
}

TEST_CASE("A 2022 execve enter event is upgraded, stored and passed, and lends its filename") {
  EventConverter c;
  Result enter = run(c, make_record(kExecve16E, 7, {}));
  REQUIRE(enter.outcome == EventConverter::Outcome::Converted);
  CHECK(enter.event.view().type() == kExecve19E);
  REQUIRE(enter.event.view().nparams() == 1);
  CHECK(enter.event.view().param(0).empty());

  // The stored execve_19 enter matches the upgraded exit, so conversion does not fail.
  std::vector<Bytes> p(16, Bytes{});
  Result exit = run(c, make_record(kExecve16X, 7, p));
  REQUIRE(exit.outcome == EventConverter::Outcome::Converted);
  CHECK(exit.event.view().nparams() == 31);
  CHECK(c.stats().merged_enters == 1);
}

TEST_CASE("A connect enter event is passed and lends its fd to a 2-parameter exit, as in the libs") {
  EventConverter c;
  Bytes addr = sockaddr_inet(127, 0, 0, 1, 8080);
  Bytes enter_rec = make_record(kConnectE, 9, {le<int64_t>(4), addr});
  Result enter = run(c, enter_rec);
  CHECK(enter.outcome == EventConverter::Outcome::Pass);
  CHECK(enter.event.bytes == enter_rec);

  Result exit = run(c, make_record(kConnectX, 9, {le<int64_t>(0), Bytes{}}));
  REQUIRE(exit.outcome == EventConverter::Outcome::Converted);
  EventView v = exit.event.view();
  REQUIRE(v.nparams() == 4);
  CHECK(v.param("fd").as_i64() == 4);
  // The 2->3 step uses the enter event and frees it; the 3->4 step then finds nothing stored and
  // leaves addr at its (empty) default. The libs behave the same way.
  CHECK(v.param("addr").empty());
  CHECK(c.stats().merged_enters == 1);
}

TEST_CASE("A 3-parameter connect exit takes its address from the stored connect enter event") {
  EventConverter c;
  Bytes addr = sockaddr_inet(127, 0, 0, 1, 8080);
  run(c, make_record(kConnectE, 9, {le<int64_t>(4), addr}));
  Result exit = run(c, make_record(kConnectX, 9, {le<int64_t>(0), Bytes{}, le<int64_t>(4)}));
  REQUIRE(exit.outcome == EventConverter::Outcome::Converted);
  EventView v = exit.event.view();
  REQUIRE(v.nparams() == 4);
  CHECK(param_bytes(v, 3) == addr);
  CHECK(v.param("addr").as_sockaddr().port == 8080);
}

TEST_CASE("A connect enter event with one parameter gets a default address and is passed") {
  EventConverter c;
  Result r = run(c, make_record(kConnectE, 9, {le<int64_t>(4)}));
  REQUIRE(r.outcome == EventConverter::Outcome::Converted);
  REQUIRE(r.event.view().nparams() == 2);
  CHECK(r.event.view().param(1).empty());  // PT_SOCKADDR has no fixed size: its default is empty
}

TEST_CASE("A connect exit without any enter event is accepted with default fd and empty address") {
  EventConverter c;
  Result r = run(c, make_record(kConnectX, 9, {le<int64_t>(-111), Bytes{}}));
  REQUIRE(r.outcome == EventConverter::Outcome::Converted);
  EventView v = r.event.view();
  REQUIRE(v.nparams() == 4);
  CHECK(param_bytes(v, 2) == Bytes(8, 0));
  CHECK(v.param(3).empty());
}

TEST_CASE("An exit whose thread holds a different enter event stops conversion with the libs' message") {
  EventConverter c;
  CHECK(run(c, make_record(kPollE, 3, {le<uint16_t>(0), le<int64_t>(100)})).outcome == EventConverter::Outcome::Drop);
  Result r = run(c, make_record(kConnectX, 3, {le<int64_t>(0), Bytes{}}));
  CHECK(r.outcome == EventConverter::Outcome::Failed);
  CHECK(r.message == "The enter event for 'connect_X' is not the right one! Event found 'poll_E'.");
}

TEST_CASE("Events of unused ids are dropped and counted") {
  EventConverter c;
  REQUIRE(EventSchema::newest()[kCloseRangeE].has(kUnused));
  CHECK(run(c, make_record(kCloseRangeE, 1, {})).outcome == EventConverter::Outcome::Drop);
  CHECK(c.stats().dropped_unused == 1);
}

TEST_CASE("Old enter events the converter does not manage are dropped and counted") {
  EventConverter c;
  REQUIRE_FALSE(EventSchema::newest()[kClone20E].has(kConverterManaged));
  CHECK(run(c, make_record(kClone20E, 1, {})).outcome == EventConverter::Outcome::Drop);
  CHECK(c.stats().dropped_old_enters == 1);
}

TEST_CASE("Current events the converter does not manage pass untouched") {
  EventConverter c;
  Bytes rec = make_record(kMlockallX, 1, {le<int64_t>(0), le<uint32_t>(1)});
  Result r = run(c, rec);
  CHECK(r.outcome == EventConverter::Outcome::Pass);
  CHECK(r.event.bytes == rec);
}

TEST_CASE("An exit event with more parameters than the newest table is an error") {
  EventConverter c;
  std::vector<Bytes> p(5, le<int64_t>(0));
  Result r = run(c, make_record(kReadX, 1, p));
  CHECK(r.outcome == EventConverter::Outcome::Failed);
  CHECK(r.message.find("more parameters") != std::string::npos);
}

TEST_CASE("A layout with no conversion rule is an error") {
  EventConverter c;
  Result r = run(c, make_record(kReadE, 1, {le<int64_t>(1)}));  // read_E only has a rule for 2 params
  CHECK(r.outcome == EventConverter::Outcome::Failed);
  CHECK(r.message.find("no conversion rule for read_E") != std::string::npos);
}

TEST_CASE("An event needing conversion must fit the 65536-byte conversion buffer") {
  EventConverter c;
  Result r = run(c, make_record(kReadX, 1, {le<int64_t>(0), Bytes(65535, 'a')}));
  CHECK(r.outcome == EventConverter::Outcome::Failed);
  CHECK(r.message.find("65536") != std::string::npos);
}

TEST_CASE("The legacy container event becomes a large-payload container JSON event") {
  EventConverter c;
  Result r = run(c, make_record(kContainerE, -1, {cstr("3ad7b26ded6d"), le<uint32_t>(0), cstr("web"), cstr("nginx:1.25")}));
  REQUIRE(r.outcome == EventConverter::Outcome::Converted);
  EventView v = r.event.view();
  CHECK(v.type() == kContainerJson2E);
  REQUIRE(v.nparams() == 1);
  CHECK(v.param(0).as_string() == R"({"id":"3ad7b26ded6d","type":0,"name":"web","image":"nginx:1.25"})");
  CHECK(v.param(0).bytes().back() == 0);
}

TEST_CASE("A legacy container event with an unreadable field converts to an empty JSON parameter") {
  EventConverter c;
  Result r = run(c, make_record(kContainerE, -1, {Bytes{}, le<uint32_t>(0), cstr("web"), cstr("img")}));
  REQUIRE(r.outcome == EventConverter::Outcome::Converted);
  CHECK(r.event.view().type() == kContainerJson2E);
  CHECK(r.event.view().param(0).empty());
}

TEST_CASE("A value copied into a narrower fixed-size parameter keeps only the new type's width") {
  EventConverter c;
  run(c, make_record(kBpfE, 1, {le<int64_t>(5)}));  // cmd as PT_INT64
  Result r = run(c, make_record(kBpfX, 1, {Bytes{1, 0xf3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}));
  REQUIRE(r.outcome == EventConverter::Outcome::Converted);
  EventView v = r.event.view();
  CHECK(v.type() == kBpf2X);
  REQUIRE(v.nparams() == 2);
  CHECK(v.param(0).size() == 8);  // PT_FD: the 9-byte PT_DYN value cut to 8 bytes, as the libs do
  CHECK(v.param(1).size() == 4);  // PT_ENUMFLAGS32 from PT_INT64
  CHECK(v.param(1).as_u32() == 5);
}

TEST_CASE("The stored-enter slots stay within the thread bound and evictions are counted") {
  EventConverter c(8);
  for (int64_t tid = 1; tid <= 100; ++tid) run(c, make_record(kReadE, tid, {le<int64_t>(tid), le<uint32_t>(1)}));
  CHECK(c.thread_slots() <= 8);
  CHECK(c.stats().absorbed_enters == 100);
  CHECK(c.stats().evicted_enters >= 92);
  // The most recent thread's enter event survived.
  Result r = run(c, make_record(kReadX, 100, {le<int64_t>(0), Bytes{}}));
  CHECK(r.event.view().param("fd").as_i64() == 100);
}

TEST_CASE("Reset forgets stored enter events") {
  EventConverter c;
  run(c, make_record(kReadE, 1, {le<int64_t>(9), le<uint32_t>(1)}));
  c.reset();
  CHECK(c.thread_slots() == 0);
  Result r = run(c, make_record(kReadX, 1, {le<int64_t>(0), Bytes{}}));
  CHECK(param_bytes(r.event.view(), 2) == Bytes(8, 0));
}

TEST_CASE("A replaced enter event that no exit used is counted") {
  EventConverter c;
  run(c, make_record(kReadE, 1, {le<int64_t>(9), le<uint32_t>(1)}));
  run(c, make_record(kReadE, 1, {le<int64_t>(10), le<uint32_t>(1)}));
  CHECK(c.stats().replaced_enters == 1);
  Result r = run(c, make_record(kReadX, 1, {le<int64_t>(0), Bytes{}}));
  CHECK(r.event.view().param("fd").as_i64() == 10);
}
