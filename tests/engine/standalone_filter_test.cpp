// The public standalone filter API (vigil/engine/filter.h): a condition compiled without a rules
// file, with or without the lists and macros of loaded rules, evaluated on real capture events.
#include <catch2/catch.hpp>

#include "support/tsv_field_registry.h"
#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/engine/engine.h"
#include "vigil/engine/filter.h"
#include "vigil/inspect/inspector.h"

using vigil::engine::Engine;
using vigil::engine::Filter;

namespace {

// Events of `capture` the filter accepts.
size_t count_matches(const std::string& capture, vigil::inspect::Inspector& inspector, const Filter& filter) {
  auto reader = vigil::capture::ScapReader::open(vigil::test::capture_path(capture));
  REQUIRE(reader.ok());
  REQUIRE(inspector.seed((*reader)->metadata()).ok());
  vigil::capture::EventView ev;
  size_t n = 0;
  while ((*reader)->next(ev) == vigil::capture::NextStatus::Event) n += filter.matches(ev.type(), inspector.process(ev));
  return n;
}

}  // namespace

TEST_CASE("a standalone filter selects cat's four opens in cat_write.scap, one per syscall") {
  vigil::inspect::Inspector inspector;
  auto filter = Filter::compile("evt.type = open and proc.name = cat", inspector.fields());
  REQUIRE(filter.ok());
  CHECK(filter->canonical() == "(evt.type = open and proc.name = cat)");
  CHECK(filter->event_types() == std::vector<std::string>{"open"});
  CHECK(filter->warnings().empty());
  // Like rules (§E.5), the filter sees exit events only: 4 opens, not 8 events.
  CHECK(count_matches("cat_write.scap", inspector, *filter) == 4);
}

TEST_CASE("a standalone filter can be asked to test enter events too") {
  vigil::inspect::Inspector inspector;
  vigil::engine::FilterOptions all_events;
  all_events.exit_events_only = false;
  auto filter = Filter::compile("evt.type = open and proc.name = cat", inspector.fields(), all_events);
  REQUIRE(filter.ok());
  CHECK(count_matches("cat_write.scap", inspector, *filter) == 8);
}

TEST_CASE("a filter that does not compile is an error located at its line and column") {
  vigil::inspect::Inspector inspector;
  auto unknown = Filter::compile("evt.type = open and proc.nonexistent = 1", inspector.fields());
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("proc.nonexistent") != std::string::npos);
  CHECK(unknown.error().line == 1);
  CHECK(unknown.error().column == 21);
  auto syntax = Filter::compile("evt.type = open and\n  (proc.name = cat", inspector.fields());
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().message == "expected a ')' token");
  CHECK(syntax.error().line == 2);
  auto macro = Filter::compile("spawned_process and proc.name = cat", inspector.fields());
  REQUIRE_FALSE(macro.ok());
  CHECK(macro.error().message == "Undefined macro 'spawned_process' used in filter.");
  CHECK(Filter::compile("", inspector.fields()).error().message == "filter input string is empty");
}

TEST_CASE("a filter compiled by an engine uses the lists and macros of its loaded rules") {
  vigil::inspect::Inspector inspector;
  Engine engine(inspector.fields());
  REQUIRE(engine
              .load_string("- list: readers\n  items: [cat, less]\n"
                           "- macro: opened\n  condition: evt.type in (open, openat)\n",
                           "defs.yaml")
              .ok);
  auto filter = engine.compile_filter("opened and proc.name in (readers)");
  REQUIRE(filter.ok());
  CHECK(filter->canonical() == "(evt.type in (open, openat) and proc.name in (cat, less))");
  CHECK(count_matches("cat_write.scap", inspector, *filter) == 4);
  // The filter no longer depends on the engine.
  Filter kept = std::move(*filter);
  engine.load_string("- macro: opened\n  condition: evt.type = close\n", "more.yaml");
  CHECK(count_matches("cat_write.scap", inspector, kept) == 4);
  CHECK_FALSE(engine.compile_filter("opened", "k8s_audit").ok());
}

TEST_CASE("a standalone filter reports compiler advice as warnings") {
  auto filter = Filter::compile("proc.name = proc.pname", vigil::test::tsv_registry());
  REQUIRE(filter.ok());
  REQUIRE(filter->warnings().size() == 1);
  CHECK(filter->warnings()[0].code == "LOAD_COMPILE_CONDITION");
  CHECK(filter->warnings()[0].message.find("may be a valid field misused as a const string value") !=
        std::string::npos);
}

TEST_CASE("two filters over one registry evaluate independently") {
  vigil::inspect::Inspector inspector;
  auto reads = Filter::compile("evt.type = read and proc.name = cat", inspector.fields());
  auto writes = Filter::compile("evt.type = close and proc.name = cat", inspector.fields());
  REQUIRE(reads.ok());
  REQUIRE(writes.ok());
  auto reader = vigil::capture::ScapReader::open(vigil::test::capture_path("cat_write.scap"));
  REQUIRE(reader.ok());
  REQUIRE(inspector.seed((*reader)->metadata()).ok());
  vigil::capture::EventView ev;
  size_t r = 0, w = 0, both = 0;
  while ((*reader)->next(ev) == vigil::capture::NextStatus::Event) {
    const auto& ctx = inspector.process(ev);
    const bool a = reads->matches(ev.type(), ctx), b = writes->matches(ev.type(), ctx);
    r += a;
    w += b;
    both += a && b;
  }
  CHECK(r > 0);
  CHECK(w > 0);
  CHECK(both == 0);
}
