// Rules of several event sources (rules-language.md §C.1): syscall rules are indexed under their
// own event types (plus the async meta-event), rules of other sources under the plugin and async
// event types only, and an event reaches only the rules of its own source.
#include <catch2/catch.hpp>

#include "support/tsv_field_registry.h"
#include "vigil/engine/engine.h"

using vigil::engine::Engine;
using vigil::test::FakeEvent;

namespace {

constexpr uint16_t kOpenExit = 3;         // PPME_SYSCALL_OPEN_X
constexpr uint16_t kPluginEvent = 322;    // PPME_PLUGINEVENT_E
constexpr uint16_t kAsyncEvent = 402;     // PPME_ASYNCEVENT_E

const char* const kRules = R"(
- rule: syscall open by cat
  desc: d
  condition: evt.type = open and proc.name = cat
  output: o
  priority: INFO
- rule: syscall anything by cat
  desc: d
  condition: proc.name = cat
  output: o
  priority: INFO
  warn_evttypes: false
- rule: audit by cat
  desc: d
  condition: proc.name = cat
  output: o
  priority: INFO
  source: k8s_audit
)";

std::vector<std::string> matched(Engine& e, size_t source, uint16_t type, const FakeEvent& ev) {
  std::vector<std::string> names;
  for (const auto& m : e.evaluate(source, type, ev.ctx())) names.push_back(e.rules()[m.rule].name);
  return names;
}

}  // namespace

TEST_CASE("rules of another source see only plugin and async events of that source") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  e.set_rule_matching(vigil::engine::RuleMatching::All);
  e.add_source("k8s_audit", vigil::test::tsv_registry_without_plugins());
  REQUIRE(e.load_string(kRules, "rules.yaml").ok);
  REQUIRE(e.rules().size() == 3);
  const auto audit = e.source_index("k8s_audit");
  REQUIRE(audit.has_value());
  CHECK(*audit == 1);
  CHECK(e.source_index("syscall") == std::optional<size_t>(0));
  CHECK_FALSE(e.source_index("nope").has_value());
  FakeEvent cat;
  cat.set("proc.name", {"cat"});

  // A plugin source's rule: its condition says nothing about event types, yet only plugin and
  // async events reach it.
  CHECK(matched(e, *audit, kPluginEvent, cat) == std::vector<std::string>{"audit by cat"});
  CHECK(matched(e, *audit, kAsyncEvent, cat) == std::vector<std::string>{"audit by cat"});
  CHECK(matched(e, *audit, kOpenExit, cat).empty());

  // Syscall events never reach the plugin source's rule, and the syscall rules keep their types.
  CHECK(matched(e, 0, kOpenExit, cat) == std::vector<std::string>{"syscall open by cat", "syscall anything by cat"});
  CHECK(matched(e, 0, kAsyncEvent, cat) == std::vector<std::string>{"syscall anything by cat"});
  // The two-argument evaluate is the syscall source.
  CHECK(e.evaluate(kOpenExit, cat.ctx()).size() == 2);
}

TEST_CASE("a plugin source's rules keep their derived event types and never warn about them") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  e.add_source("k8s_audit", vigil::test::tsv_registry_without_plugins());
  const auto r = e.load_string(kRules, "rules.yaml");
  REQUIRE(r.ok);
  for (const auto& d : r.diagnostics) CHECK(d.code != "LOAD_NO_EVTTYPE");
  CHECK(e.rules()[0].event_types == std::vector<std::string>{"open"});
  CHECK(e.rules()[2].source == "k8s_audit");
  CHECK(e.rules()[2].all_event_types);
}
