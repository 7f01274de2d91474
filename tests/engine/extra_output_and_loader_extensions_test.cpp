// engine-cases.md §10 (extra output, as rule info and in alerts) and §13 (alternate loader
// plumbing: application-defined item kinds, what a load compiles, minimum priority, copies).
#include <catch2/catch.hpp>

#include "support/rules_fixture.h"
#include "support/tsv_field_registry.h"

using vigil::engine::Engine;
using vigil::engine::ExtensionItem;
using vigil::test::FakeEvent;

namespace {

const char* const kTwoRules = R"(
- rule: legit_rule
  desc: d
  condition: evt.type = open
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
  tags: [tag1]
- rule: another_rule
  desc: d
  condition: evt.type = close
  output: out 2
  priority: INFO
)";

// engine-cases §13's file: a list, a macro, a DEBUG rule, an INFO rule and a k8s_audit rule,
// plus an item of the application's own kind.
const char* const kAltFile = R"(
- test_object: test
  property: my_value
  values: [a, b]
- list: shell_binaries
  items: [sh, bash]
- macro: spawned
  condition: evt.type = execve
- rule: debug rule
  desc: d
  condition: spawned and proc.name in (shell_binaries)
  output: o
  priority: DEBUG
- rule: info rule
  desc: d
  condition: spawned and proc.name = cat
  output: o
  priority: INFO
- rule: audit rule
  desc: d
  condition: ka.verb = create
  output: o
  priority: INFO
  source: k8s_audit
)";

}  // namespace

TEST_CASE("extra output restricted to one rule is appended to that rule's output only") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  e.add_extra_output({"evt.type=%evt.type", "", "legit_rule", {}});
  REQUIRE(e.load_string(kTwoRules, "r.yaml").ok);
  CHECK(e.rules()[0].output == "user=%user.name command=%proc.cmdline file=%fd.name evt.type=%evt.type");
  CHECK(e.rules()[1].output == "out 2");
}

TEST_CASE("extra output of another source is not appended") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  e.add_extra_output({"extra", "k8s_audit", "", {}});
  REQUIRE(e.load_string(kTwoRules, "r.yaml").ok);
  CHECK(e.rules()[1].output == "out 2");
}

TEST_CASE("an extra formatted field is listed in the rule info exactly and rendered into the alert fields") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  vigil::engine::ExtraOutput x;
  x.fields = {{"my_field", "hello %evt.num"}};
  e.add_extra_output(x);
  REQUIRE(e.load_string(kTwoRules, "r.yaml").ok);
  const std::map<std::string, std::string> expected{{"my_field", "hello %evt.num"}};
  CHECK(e.rules()[0].extra_output_fields == expected);
  CHECK(e.rules()[1].extra_output_fields == expected);
  // The text output is unchanged; the field goes to output_fields.
  CHECK(e.rules()[1].output == "out 2");
  FakeEvent ev;
  ev.set_num("evt.num", {42});
  const auto a = e.alert({1}, ev.ctx(), 0, "host");
  CHECK(a.message == "out 2");
  REQUIRE_FALSE(a.output_fields.empty());
  CHECK(a.output_fields.back().name == "my_field");
  CHECK(a.output_fields.back().value == "hello 42");
}

TEST_CASE("an extra formatted field that does not compile fails the load") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  vigil::engine::ExtraOutput x;
  x.fields = {{"bad", "%proc.nonexistent"}};
  e.add_extra_output(x);
  const auto r = e.load_string(kTwoRules, "r.yaml");
  CHECK_FALSE(r.ok);
  REQUIRE_FALSE(r.diagnostics.empty());
  CHECK(r.diagnostics.back().code == "LOAD_ERR_COMPILE_OUTPUT");
  CHECK(r.diagnostics.back().message.find("extra output field 'bad'") == 0);
}

TEST_CASE("an application item kind receives its items and everything else loads as usual") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  std::vector<ExtensionItem> seen;
  e.add_item_kind("test_object", [&](const ExtensionItem& item, std::vector<std::string>& warnings) {
    seen.push_back(item);
    warnings.push_back("test_object is experimental");
    return vigil::Status{};
  });
  const auto r = e.load_string(kAltFile, "alt.yaml");
  REQUIRE(r.ok);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].kind == "test_object");
  CHECK(seen[0].name == "test");
  CHECK(seen[0].properties.at("property") == std::vector<std::string>{"my_value"});
  CHECK(seen[0].properties.at("values") == std::vector<std::string>{"a", "b"});
  CHECK(seen[0].file == "alt.yaml");
  CHECK(seen[0].line == 2);
  bool warned = false, unknown_item = false;
  for (const auto& d : r.diagnostics) {
    warned = warned || (d.code == "LOAD_WARNING_EXTENSION" && d.message == "test_object is experimental");
    unknown_item = unknown_item || d.code == "LOAD_UNKNOWN_ITEM";
  }
  CHECK(warned);
  CHECK_FALSE(unknown_item);
  // What the load compiled: 1 list, 1 macro, 2 rules (the k8s_audit source is not registered).
  CHECK(e.list_names() == std::vector<std::string>{"shell_binaries"});
  CHECK(e.macro_names() == std::vector<std::string>{"spawned"});
  CHECK(e.rules().size() == 2);
}

TEST_CASE("without a handler the application's item kind is an unknown item, and a handler error fails the load") {
  auto plain = vigil::test::load_rules(kAltFile);
  REQUIRE(plain.ok());
  CHECK(plain.has_warning("Unknown top level item"));
  Engine e(vigil::test::tsv_registry_without_plugins());
  e.add_item_kind("test_object", [](const ExtensionItem&, std::vector<std::string>&) {
    return vigil::Status{vigil::Error{"property must be another value"}};
  });
  const auto r = e.load_string(kAltFile, "alt.yaml");
  CHECK_FALSE(r.ok);
  REQUIRE_FALSE(r.diagnostics.empty());
  CHECK(r.diagnostics.back().code == "LOAD_ERR_EXTENSION");
  CHECK(r.diagnostics.back().message == "property must be another value");
  CHECK(r.diagnostics.back().item_name == "test");
  CHECK(r.diagnostics.back().line == 2);
}

TEST_CASE("the compiled rules admitted at minimum priority INFO leave out the DEBUG rule") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  REQUIRE(e.load_string(kAltFile, "alt.yaml").ok);
  e.set_min_priority(vigil::engine::Priority::Informational);
  e.enable_rules("", vigil::engine::NameMatch::Substring, true, "all");
  CHECK(e.enabled_count("all") == 1);
  CHECK(e.rules().size() == 2);
}

TEST_CASE("two engines loading the same file describe equal lists, macros and rules") {
  Engine a(vigil::test::tsv_registry_without_plugins());
  Engine b(vigil::test::tsv_registry_without_plugins());
  REQUIRE(a.load_string(kAltFile, "alt.yaml").ok);
  REQUIRE(b.load_string(kAltFile, "alt.yaml").ok);
  CHECK(a.list_names() == b.list_names());
  CHECK(a.macro_names() == b.macro_names());
  CHECK(a.rules_json() == b.rules_json());
  REQUIRE(a.rules().size() == b.rules().size());
  for (size_t i = 0; i < a.rules().size(); ++i) CHECK(a.rules()[i].compiled_condition == b.rules()[i].compiled_condition);
}
