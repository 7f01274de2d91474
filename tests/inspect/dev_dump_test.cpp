#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

#include "sysdig_replay.h"
#include "test_paths.h"
#include "vigil/inspect/formatter.h"

TEST_CASE("dev dump", "[.dev]") {
  vigil::test::use_utc();
  const char* cap = std::getenv("CAP");
  const char* fmt_text = std::getenv("FMT");
  vigil::inspect::InspectorOptions opts;
  opts.display = vigil::capture::DisplaySchema::Sysdig029;
  vigil::inspect::Inspector inspector(opts);
  auto fmt = vigil::inspect::Formatter::compile(
      fmt_text ? fmt_text : "*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info",
      inspector.fields());
  REQUIRE(fmt.ok());
  std::string line;
  auto r = vigil::test::replay_like_sysdig(vigil::test::capture_path(cap), inspector, [&](const auto& ctx) {
    line.clear();
    if (fmt->format(ctx, line)) std::printf("%s\n", line.c_str());
  });
  REQUIRE(r.opened);
}
