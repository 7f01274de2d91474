// Event-line formats (-p): field parsing, sysdig's "every field must exist" rule and the '*'
// escape, the result field, and the schema raw mode displays with.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "format_test_support.h"
#include "vigil/capture/event_format.h"

using namespace vigil::capture;
using vigil::test::le;
using vigil::test::str;
using vigil::test::TestEvent;

namespace {

std::string render(std::string_view format, const TestEvent& event, RenderOptions options = {}) {
  auto parsed = EventFormat::parse(format);
  REQUIRE(parsed.ok());
  FixedText<4096> out;
  if (!parsed->render(event.view(42, 3), options, out)) return "<no line>";
  return std::string(out.view());
}

constexpr uint64_t kTs = 1470327477881785348ull;  // 2016-08-04 16:17:57.881785348 UTC

}  // namespace

TEST_CASE("Unknown fields are rejected with their column") {
  auto parsed = EventFormat::parse("%evt.num %bogus.field");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().column == 10);  // the 1-based column of its %
  CHECK(parsed.error().message.find("bogus.field") != std::string::npos);
  CHECK(EventFormat::parse(kDefaultEventFormat).ok());
}

TEST_CASE("Header fields print number, raw time, cpu, thread, direction, type and id") {
  const TestEvent open_x(3, 20072, kTs, {le<int64_t>(3), str("/etc/passwd"), le<uint32_t>(1), le<uint32_t>(0),
                                         le<uint32_t>(0)});
  CHECK(render("%evt.num %evt.rawtime %evt.cpu %thread.tid %evt.dir %evt.type %evt.type.id", open_x) ==
        "42 1470327477881785348 3 20072 < open 3");
  CHECK(render("%evt.rawtime.s.%evt.rawtime.ns", open_x) == "1470327477.881785348");
}

TEST_CASE("Clock fields use local time with nanoseconds") {
  // A second no other test renders: clock text is cached per second within a process.
  setenv("TZ", "UTC", 1);
  const TestEvent close_e(4, 1, kTs + 3000000000ull, {le<int64_t>(3)});
  CHECK(render("%evt.time|%evt.outputtime|%evt.datetime", close_e) ==
        "16:18:00.881785348|16:18:00.881785348|2016-08-04 16:18:00.881785348");
}

TEST_CASE("A line needs every field unless the format starts with a star") {
  const TestEvent close_e(4, 1, kTs, {le<int64_t>(3)});
  CHECK(render("%evt.num %evt.res", close_e) == "<no line>");
  CHECK(render("*%evt.num %evt.res", close_e) == "42 <NA>");
  CHECK(render("%evt.num %evt.arg.fd %evt.rawarg.fd", close_e) == "42 3 3");
  CHECK(render("%evt.num %evt.arg.name", close_e) == "<no line>");
  CHECK(render("%evt.arg[0]|%evt.rawarg[0]", close_e) == "3|3");
  CHECK(render("%evt.arg[1]", close_e) == "<no line>");
  CHECK_FALSE(EventFormat::parse("%evt.arg[x]").ok());
  // Without a resolver nothing knows the process name.
  CHECK(render("%proc.name", close_e) == "<no line>");
  CHECK(render(kDefaultEventFormat, close_e).ends_with(" 3 <NA> (1) > close fd=3 "));
}

TEST_CASE("The result field is SUCCESS, an errno name or the failing value") {
  const TestEvent ok(5, 1, kTs, {le<int64_t>(0)});
  const TestEvent enoent(3, 1, kTs, {le<int64_t>(-2), str("/x"), le<uint32_t>(1), le<uint32_t>(0), le<uint32_t>(0)});
  const TestEvent odd(5, 1, kTs, {le<int64_t>(-1000)});
  const TestEvent mmap_fail(161, 1, kTs, {le<int64_t>(-12), le<uint32_t>(1), le<uint32_t>(2), le<uint32_t>(3)});
  CHECK(render("%evt.res %evt.rawres", ok) == "SUCCESS 0");
  CHECK(render("%evt.res", enoent) == "ENOENT");
  CHECK(render("%evt.res", odd) == "-1000");
  // mmap's result was a hex u64 in 2022: raw mode shows what sysdig 0.29.3 shows.
  CHECK(render("%evt.res", mmap_fail, {DisplaySchema::Sysdig029, {}}) == "FFFFFFFFFFFFFFF4");
  CHECK(render("%evt.res", mmap_fail) == "ENOMEM");
}

TEST_CASE("Raw display uses the 2022 parameter names for ids sysdig 0.29.3 knows") {
  std::vector<vigil::test::Bytes> params(18, le<uint64_t>(0));
  params[17] = le<int64_t>(77);
  const TestEvent execve(293, 1, kTs, params);
  CHECK(render("%evt.arg.pgid", execve, {DisplaySchema::Sysdig029, {}}) == "77");
  CHECK(render("%evt.arg.pgid", execve) == "<no line>");
  CHECK(render("%evt.arg.vpgid", execve) == "77");
  CHECK(display_schema(execve.view(), DisplaySchema::Sysdig029) == &EventSchema::libs_0_29());
  const TestEvent accept4(389, 1, kTs, {le<int64_t>(3)});
  CHECK(display_schema(accept4.view(), DisplaySchema::Sysdig029) == &EventSchema::newest());
}
