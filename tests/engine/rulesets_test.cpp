// engine-cases.md §10 (extra output), §11 (enabling rules, rulesets), §12 (plugin requirements),
// §13 (minimum priority) and §17 (misc).
#include <catch2/catch.hpp>

#include "ruleset/ruleset.h"
#include "support/rules_fixture.h"

using vigil::engine::Engine;
using vigil::engine::NameMatch;
using vigil::test::load_rules;
using vigil::test::rule_yaml;

namespace {

const std::string kFileA = rule_yaml("test rule", "evt.type = close", "  tags: [process]\n") +
                           rule_yaml("disabled rule", "evt.type = open", "  enabled: false\n  tags: [exec process]\n");

const std::string kFileB = rule_yaml("first actual rule", "evt.type = close") +
                           rule_yaml("second disabled rule", "evt.type = open", "  enabled: false\n") +
                           rule_yaml("third disabled rule", "evt.type = openat", "  enabled: false\n");

}  // namespace

TEST_CASE("after a load only the default ruleset has the file-enabled rules") {
  auto l = load_rules(kFileA);
  REQUIRE(l.ok());
  CHECK(l.engine->enabled_count() == 1);
  CHECK(l.engine->enabled_count("ruleset-1") == 0);
}

TEST_CASE("substring enabling and disabling works per ruleset") {
  auto l = load_rules(kFileA);
  auto& e = *l.engine;
  e.enable_rules("test", NameMatch::Substring, true, "ruleset-1");
  CHECK(e.enabled_count("ruleset-1") == 1);
  CHECK(e.enabled_count("ruleset-2") == 0);
  e.enable_rules("", NameMatch::Substring, true, "ruleset-3");
  CHECK(e.enabled_count("ruleset-3") == 2);
  e.enable_rules("", NameMatch::Substring, true, "ruleset-2");
  e.enable_rules("test", NameMatch::Substring, false, "ruleset-2");
  CHECK(e.enabled_count("ruleset-2") == 1);
  e.enable_rules("", NameMatch::Substring, false, "ruleset-2");
  CHECK(e.enabled_count("ruleset-2") == 0);
}

TEST_CASE("tags enable and disable rules, including file-disabled ones") {
  auto l = load_rules(kFileA);
  auto& e = *l.engine;
  e.enable_tags({"process"}, true, "ruleset-1");
  CHECK(e.enabled_count("ruleset-1") == 1);
  e.enable_tags({"process"}, true, "ruleset-2");
  e.enable_tags({"process"}, false, "ruleset-2");
  CHECK(e.enabled_count("ruleset-2") == 0);
  e.enable_tags({"exec process"}, true);
  CHECK(e.enabled_count() == 2);
}

TEST_CASE("exact name matching needs the whole name and empty means all") {
  auto l = load_rules(kFileA);
  auto& e = *l.engine;
  e.enable_rules("test rule", NameMatch::Exact, true, "a");
  CHECK(e.enabled_count("a") == 1);
  e.enable_rules("test", NameMatch::Exact, true, "b");
  CHECK(e.enabled_count("b") == 0);
  e.enable_rules("", NameMatch::Exact, true, "c");
  CHECK(e.enabled_count("c") == 2);
}

TEST_CASE("wildcard name matching uses only star") {
  auto l = load_rules(kFileB);
  REQUIRE(l.ok());
  auto& e = *l.engine;
  e.enable_rules("first actual rule", NameMatch::Wildcard, true, "exact");
  CHECK(e.enabled_count("exact") == 1);
  e.enable_rules("first", NameMatch::Wildcard, true, "prefix");
  CHECK(e.enabled_count("prefix") == 0);
  e.enable_rules("*rule", NameMatch::Wildcard, true, "suffix");
  CHECK(e.enabled_count("suffix") == 3);
  e.enable_rules("*second*r*", NameMatch::Wildcard, true, "inner");
  CHECK(e.enabled_count("inner") == 1);
  e.enable_rules("*", NameMatch::Wildcard, true, "all");
  CHECK(e.enabled_count("all") == 3);
  e.enable_rules("*C*", NameMatch::Wildcard, false, "all");
  CHECK(e.enabled_count("all") == 3);
  e.enable_rules("*second*", NameMatch::Wildcard, false, "all");
  CHECK(e.enabled_count("all") == 2);
}

TEST_CASE("low-level rulesets: exact, substring and wildcard operations on three rules") {
  auto l = load_rules(rule_yaml("rule_A", "evt.type = close", "  enabled: false\n") +
                      rule_yaml("rule_B", "evt.type = close", "  enabled: false\n") +
                      rule_yaml("rule_C", "evt.type = close", "  enabled: false\n"));
  auto& e = *l.engine;
  e.enable_rules("rule_A", NameMatch::Exact, true, "0");
  CHECK(e.enabled_count("0") == 1);
  e.enable_rules("rule_A", NameMatch::Exact, false, "1");
  CHECK(e.enabled_count("0") == 1);
  e.enable_rules("no_such_rule", NameMatch::Exact, false, "0");
  CHECK(e.enabled_count("0") == 1);
  e.enable_rules("rule_", NameMatch::Substring, true, "0");
  CHECK(e.enabled_count("0") == 3);
  e.enable_rules("rule_", NameMatch::Exact, false, "0");
  CHECK(e.enabled_count("0") == 3);
  e.enable_rules("rule_", NameMatch::Substring, false, "0");
  CHECK(e.enabled_count("0") == 0);
  e.enable_rules("_C", NameMatch::Substring, true, "0");
  CHECK(e.enabled_count("0") == 1);
  e.enable_rules("_C", NameMatch::Substring, false, "0");
  CHECK(e.enabled_count("0") == 0);
  e.enable_rules("*", NameMatch::Wildcard, true, "0");
  CHECK(e.enabled_count("0") == 3);
  e.enable_rules("*C*", NameMatch::Wildcard, false, "0");
  CHECK(e.enabled_count("0") == 2);
  e.enable_rules("*_*", NameMatch::Wildcard, false, "0");
  CHECK(e.enabled_count("0") == 0);
}

TEST_CASE("tag selection: a different tag of the same rule disables it, unknown tags do nothing") {
  auto l = load_rules(rule_yaml("one", "evt.type = close", "  enabled: false\n  tags: [a, shared]\n") +
                      rule_yaml("two", "evt.type = close", "  enabled: false\n  tags: [b, shared]\n"));
  auto& e = *l.engine;
  e.enable_tags({"a"}, true, "x");
  e.enable_tags({"shared"}, false, "x");
  CHECK(e.enabled_count("x") == 0);
  e.enable_tags({"nope"}, true, "y");
  CHECK(e.enabled_count("y") == 0);
  e.enable_tags({"shared"}, true, "z");
  CHECK(e.enabled_count("z") == 2);
}

TEST_CASE("the wildcard helper matches like Falco's") {
  using vigil::engine::ruleset::wildcard_match;
  CHECK(wildcard_match("*", ""));
  CHECK(wildcard_match("**", "anything"));
  CHECK(wildcard_match("", ""));
  CHECK_FALSE(wildcard_match("", "x"));
  CHECK(wildcard_match("hello*world", "hello new world"));
  CHECK_FALSE(wildcard_match("hello*world", "hello new world yes"));
  CHECK(wildcard_match("*hello*****world", "come on hello this world"));
  CHECK_FALSE(wildcard_match("no star", ""));
}

TEST_CASE("a minimum priority keeps less severe rules out of the rulesets") {
  auto l = load_rules(rule_yaml("info_rule", "evt.type = close") +
                      rule_yaml("debug_rule", "evt.type = close", "", "DEBUG"));
  REQUIRE(l.ok());
  CHECK(l.enabled() == 2);
  l.engine->set_min_priority(vigil::engine::Priority::Informational);
  CHECK(l.enabled() == 1);
  CHECK(l.engine->rules().size() == 2);
}

TEST_CASE("extra outputs are appended to the rules they select") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  e.add_extra_output({"extra 1", "", "", {"tag1"}});
  e.add_extra_output({"extra 2", "", "another_rule", {}});
  e.add_extra_output({"extra 3", "", "", {"tag1", "tag2"}});
  auto r = e.load_string(R"(
- rule: legit_rule
  desc: d
  condition: evt.type = open
  output: out 1
  priority: INFO
  tags: [tag1]
- rule: another_rule
  desc: d
  condition: evt.type = open
  output: out 2
  priority: INFO
  tags: [tag1]
- rule: third_rule
  desc: d
  condition: evt.type = open
  output: out 3
  priority: INFO
  tags: [tag1, tag2]
)",
                         "r.yaml");
  REQUIRE(r.ok);
  CHECK(e.rules()[0].output == "out 1 extra 1");
  CHECK(e.rules()[1].output == "out 2 extra 1 extra 2");
  CHECK(e.rules()[2].output == "out 3 extra 1 extra 3");
  Engine f(vigil::test::tsv_registry_without_plugins());
  f.add_extra_output({"evt.type=%evt.type", "", "", {}});
  REQUIRE(f.load_string("- rule: legit_rule\n  desc: d\n  condition: evt.type = open\n  output: user=%user.name command=%proc.cmdline file=%fd.name\n  priority: INFO\n", "r.yaml").ok);
  CHECK(f.rules()[0].output == "user=%user.name command=%proc.cmdline file=%fd.name evt.type=%evt.type");
}

TEST_CASE("container.info is removed from outputs with a deprecation warning") {
  auto l = load_rules("- rule: r\n  desc: d\n  condition: evt.type = open\n  output: out 1 (%container.info)\n  priority: INFO\n");
  REQUIRE(l.ok());
  CHECK(l.rule("r")->output.find("%container.info") == std::string::npos);
  CHECK(l.has_warning("container.info"));
}

TEST_CASE("plugin requirements are satisfied by compatible loaded plugins and alternatives") {
  auto check = [](const std::string& yaml, const std::vector<vigil::engine::PluginVersion>& loaded) {
    auto l = load_rules(yaml);
    REQUIRE(l.ok());
    return l.engine->check_plugin_requirements(loaded).ok();
  };
  const std::string one = "- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n";
  CHECK(check(rule_yaml("r", "evt.type=open"), {}));
  CHECK(check(one, {{"k8saudit", "0.1.0"}}));
  CHECK(check(one, {{"k8saudit", "0.2.0"}}));
  CHECK(check(one + "  - name: json\n    version: 0.1.0\n", {{"k8saudit", "0.1.0"}, {"json", "0.1.0"}}));
  CHECK(check(one + "  - name: k8saudit\n    version: 0.2.0\n", {{"k8saudit", "0.2.0"}}));
  const std::string alt = "- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n    alternatives:\n      - name: k8saudit-other\n        version: 0.4.0\n";
  CHECK(check(alt, {{"k8saudit-other", "0.5.0"}}));
  CHECK_FALSE(check(one, {}));
  CHECK_FALSE(check(one, {{"other", "0.1.0"}}));
  CHECK_FALSE(check("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.2.0\n", {{"k8saudit", "0.1.0"}}));
  CHECK_FALSE(check(one + "  - name: json\n    version: 0.1.0\n", {{"k8saudit", "0.1.0"}}));
  CHECK_FALSE(check(alt, {}));
  // The first loaded alternative decides: k8saudit is loaded but too old.
  CHECK_FALSE(check("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.2.0\n    alternatives:\n      - name: k8saudit-other\n        version: 0.4.0\n",
                    {{"k8saudit", "0.1.0"}}));
  auto dup = load_rules("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n    alternatives:\n      - name: k8saudit\n        version: 0.4.0\n");
  CHECK_FALSE(dup.ok());
  CHECK(dup.has_error("Defined multiple alternative version requirements for plugin 'k8saudit'"));
  CHECK(check("- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n", {}));
}

TEST_CASE("rule names are sanitized for metric labels") {
  CHECK(vigil::engine::sanitized_rule_name("Testing rule   2 (CVE-2244)") == "Testing_rule_2_CVE_2244");
  CHECK(vigil::engine::sanitized_rule_name("a:b c") == "a:b_c");
}

TEST_CASE("a registered extra source makes its rules compile") {
  Engine e(vigil::test::tsv_registry_without_plugins());
  const std::string yaml = rule_yaml("r", "proc.name = cat", "  source: other\n");
  auto before = e.load_string(yaml, "a.yaml");
  CHECK(e.rules().empty());
  Engine f(vigil::test::tsv_registry_without_plugins());
  f.add_source("other", vigil::test::tsv_registry_without_plugins());
  auto after = f.load_string(yaml, "a.yaml");
  REQUIRE(after.ok);
  REQUIRE(f.rules().size() == 1);
  CHECK(f.rules()[0].source == "other");
}
