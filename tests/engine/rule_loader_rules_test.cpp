// engine-cases.md §3 (rule append/override/replace), §4 (sources), §5 (event-type warning),
// §6 (engine version) and §9 (capture).
#include <catch2/catch.hpp>

#include "support/rules_fixture.h"

using vigil::test::load_rules;
using vigil::test::rule_yaml;

namespace {
const char* const kWarnAppend =
    "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";
const char* const kWarnEnabled = "The standalone 'enabled' key usage is deprecated.";
const char* const kOverrideAppend = "Keys 'override' and 'append: true' cannot be used together.";
const char* const kNoPrevRuleAppend =
    "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists";
const char* const kNoPrevRuleReplace =
    "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists";
const char* const kNoEvttype = "Rule matches too many evt.type values";

const std::string kBase = R"(
- rule: test_rule
  desc: legit rule description
  condition: evt.type=open
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
)";
}  // namespace

TEST_CASE("override append joins desc, condition and output with one space and warns nothing") {
  auto l = load_rules(kBase + R"(
- rule: test_rule
  desc: with append
  condition: and proc.name = cat
  output: proc=%proc.name
  override:
    desc: append
    condition: append
    output: append
)");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK_FALSE(l.has_warning(kWarnAppend));
  auto* r = l.rule("test_rule");
  REQUIRE(r);
  CHECK(r->condition == "evt.type=open and proc.name = cat");
  CHECK(r->output == "user=%user.name command=%proc.cmdline file=%fd.name proc=%proc.name");
  CHECK(r->desc == "legit rule description with append");
}

TEST_CASE("append true on a rule warns about deprecation and appends the condition") {
  auto l = load_rules(kBase + "- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n");
  REQUIRE(l.ok());
  CHECK(l.has_warning(kWarnAppend));
  CHECK(l.compiled("test_rule") == "(evt.type = open and proc.name = cat)");
}

TEST_CASE("override replace swaps desc and condition and keeps the output") {
  auto l = load_rules(kBase + R"(
- rule: test_rule
  desc: a replaced legit description
  condition: evt.type = close
  override:
    desc: replace
    condition: replace
)");
  REQUIRE(l.ok());
  auto* r = l.rule("test_rule");
  CHECK(r->condition == "evt.type = close");
  CHECK(r->desc == "a replaced legit description");
  CHECK(r->output == "user=%user.name command=%proc.cmdline file=%fd.name");
}

TEST_CASE("one override item may mix replace and append, and replace the priority") {
  auto l = load_rules(R"(
- rule: test_rule
  desc: legit rule description
  condition: evt.type = close
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
- rule: test_rule
  desc: a replaced legit description
  condition: and proc.name = cat
  priority: WARNING
  override:
    desc: replace
    condition: append
    priority: replace
)");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  auto* r = l.rule("test_rule");
  CHECK(r->condition == "evt.type = close and proc.name = cat");
  CHECK(r->desc == "a replaced legit description");
  CHECK(vigil::engine::priority_name(r->priority) == "Warning");
}

TEST_CASE("priority cannot be appended and the error snippet shows the offending line") {
  auto l = load_rules(kBase + "- rule: test_rule\n  priority: WARNING\n  override:\n    priority: append\n");
  CHECK_FALSE(l.ok());
  CHECK(l.has_error("Key 'priority' cannot be appended to, use 'replace' instead"));
  bool snippet = false;
  for (auto& d : l.result.diagnostics)
    if (d.severity == vigil::engine::Severity::Error) snippet = d.snippet.find("priority: append") != std::string::npos;
  CHECK(snippet);
}

TEST_CASE("append true together with override fails and still reports the deprecation warning") {
  auto l = load_rules(kBase + "- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n  override:\n    condition: append\n");
  CHECK_FALSE(l.ok());
  CHECK(l.has_error(kOverrideAppend));
  CHECK(l.has_warning(kWarnAppend));
}

TEST_CASE("rule appends and replaces before any definition fail") {
  auto a = load_rules("- rule: test_rule\n  condition: and proc.name = cat\n  override:\n    condition: append\n");
  CHECK(a.has_error(kNoPrevRuleAppend));
  auto b = load_rules("- rule: test_rule\n  condition: evt.type = close\n  override:\n    condition: replace\n");
  CHECK(b.has_error(kNoPrevRuleReplace));
  auto c = load_rules("- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n");
  CHECK(c.has_error(kNoPrevRuleAppend));
}

TEST_CASE("rule appends after the definition extend the compiled condition") {
  const std::string base = rule_yaml("test_rule", "evt.type in (open, openat)");
  for (const char* tail : {"- rule: test_rule\n  condition: and proc.name = cat\n  override:\n    condition: append\n",
                           "- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n"}) {
    auto l = load_rules(base + tail);
    REQUIRE(l.ok());
    CHECK(l.compiled("test_rule") == "(evt.type in (open, openat) and proc.name = cat)");
  }
}

TEST_CASE("override keys must be present in the item and present keys must be under override") {
  auto a = load_rules(kBase + "- rule: test_rule\n  desc: x\n  override:\n    desc: replace\n    condition: append\n");
  CHECK(a.has_error("An append override for 'condition' was specified but 'condition' is not defined"));
  auto b = load_rules(kBase + "- rule: test_rule\n  desc: x\n  priority: WARNING\n  override:\n    desc: replace\n");
  CHECK(b.has_error("Unexpected key 'priority'"));
  auto c = load_rules(kBase + "- rule: test_rule\n  desc: x\n  override:\n    desc: replace\n    enabled: replace\n");
  CHECK(c.has_error("'enabled' was specified but 'enabled' is not defined"));
}

TEST_CASE("override replace of enabled turns a disabled rule on without warnings") {
  auto l = load_rules(rule_yaml("test_rule", "evt.type = close", "  enabled: false\n") +
                      R"(- rule: test_rule
  desc: d2
  condition: evt.type = open
  enabled: true
  override:
    desc: replace
    condition: replace
    enabled: replace
)");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK(l.warning_count() == 0);
  CHECK(l.enabled() == 1);
}

TEST_CASE("exceptions appended partially are fine but a partial replace needs fields") {
  auto l = load_rules(rule_yaml("test_rule", "evt.type = open",
                                "  exceptions:\n"
                                "    - name: proc_names\n"
                                "      fields: [proc.name]\n"
                                "      values: [[cat]]\n") +
                      R"(- rule: test_rule
  exceptions:
    - name: proc_names
      values: [[dog]]
  override:
    exceptions: append
- rule: test_rule
  exceptions:
    - name: proc_names
      values: [[dog]]
  override:
    exceptions: replace
)");
  CHECK_FALSE(l.ok());
  CHECK(l.has_error("Item has no mapping for key 'fields'"));
  CHECK(l.warning_count() == 0);
}

TEST_CASE("enabled false, standalone enabled and append with enabled behave as Falco's") {
  const std::string disabled = rule_yaml("test_rule", "evt.type = close", "  enabled: false\n");
  auto a = load_rules(disabled);
  REQUIRE(a.ok());
  CHECK(a.warning_count() == 0);
  CHECK(a.enabled() == 0);
  auto b = load_rules(disabled + "- rule: test_rule\n  enabled: true\n");
  REQUIRE(b.ok());
  CHECK(b.has_warning(kWarnEnabled));
  CHECK(b.enabled() == 1);
  auto c = load_rules(disabled + "- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n  enabled: true\n");
  REQUIRE(c.ok());
  CHECK(c.enabled() == 0);
}

TEST_CASE("a second full definition completely replaces the first") {
  auto l = load_rules(rule_yaml("test_rule", "evt.type = close", "  enabled: false\n") +
                      R"(- rule: test_rule
  desc: d2
  condition: proc.name = cat
  output: o2
  priority: WARNING
  enabled: true
)");
  REQUIRE(l.ok());
  CHECK(l.enabled() == 1);
  CHECK(l.compiled("test_rule") == "proc.name = cat");
  CHECK(l.engine->rules().size() == 1);
}

TEST_CASE("an unknown key on a rule is a warning and the schema-valid keys load") {
  auto a = load_rules(kBase.substr(0, kBase.size() - 1) + "\n  typo_field: x\n");
  REQUIRE(a.ok());
  CHECK(a.has_warning("Unknown key 'typo_field'"));
  auto b = load_rules(rule_yaml("r", "proc.name = cat", "  warn_evttypes: false\n  skip-if-unknown-filter: true\n") +
                      R"(- rule: r
  warn_evttypes: true
  capture: true
  tags: [a]
  override:
    warn_evttypes: replace
    capture: replace
    tags: replace
)");
  INFO(b.all_messages());
  CHECK(b.ok());
}

TEST_CASE("redefining, appending or replacing a rule with a different source fails") {
  const std::string k8s = rule_yaml("test_rule", "ka.verb = create", "  source: k8s_audit\n");
  auto a = load_rules(k8s + rule_yaml("test_rule", "evt.type = open", "  source: syscall\n"));
  CHECK(a.has_error("Rule has been re-defined with a different source"));
  auto b = load_rules(k8s + "- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n  source: syscall\n");
  CHECK(b.has_error("Rule has been re-defined with a different source"));
  auto c = load_rules(k8s + "- rule: test_rule\n  condition: evt.type = open\n  source: syscall\n  override:\n    condition: replace\n");
  CHECK(c.has_error("Rule has been re-defined with a different source"));
}

TEST_CASE("an empty source on an appending item never conflicts") {
  const std::string base = rule_yaml("test_rule", "evt.type = open");
  for (const char* src : {"  source:\n", "  source: \"\"\n"}) {
    auto l = load_rules(base + "- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n" + src);
    INFO(l.all_messages());
    CHECK(l.ok());
  }
}

TEST_CASE("a rule of an unregistered source is kept uncompiled with a warning") {
  auto l = load_rules(R"(
- list: l
  items: [a]
- macro: m
  condition: proc.name in (l)
)" +
                      rule_yaml("r1", "evt.type = open and m") +
                      rule_yaml("r2", "ka.verb = create", "  source: k8s_audit\n") +
                      rule_yaml("r3", "evt.type = close", "", "DEBUG"));
  REQUIRE(l.ok());
  CHECK(l.has_warning("Unknown source k8s_audit, skipping"));
  CHECK(l.engine->rules().size() == 2);
}

TEST_CASE("the too-many-event-types warning follows the event-type set") {
  auto rule = [](const std::string& cond, const std::string& extra = "") {
    return load_rules(rule_yaml("r", cond, extra));
  };
  CHECK_FALSE(rule("evt.type = close").has_warning(kNoEvttype));
  CHECK(rule("proc.name = cat").has_warning(kNoEvttype));
  CHECK_FALSE(rule("proc.name = cat", "  warn_evttypes: false\n").has_warning(kNoEvttype));
  auto never = rule("evt.num = 0");
  CHECK_FALSE(never.has_warning(kNoEvttype));
  CHECK(never.enabled() == 1);
  CHECK_FALSE(rule("evt.type = open and evt.type = close").has_warning(kNoEvttype));
  auto macros = load_rules(R"(
- macro: never_true
  condition: (evt.num=0)
- macro: user_known_activity
  condition: (never_true)
)" +
                           rule_yaml("r1", "evt.type = open and not user_known_activity") +
                           rule_yaml("r2", "never_true"));
  REQUIRE(macros.ok());
  CHECK_FALSE(macros.has_warning(kNoEvttype));
  CHECK(macros.enabled() == 2);
  CHECK(macros.rule("r1")->event_types == std::vector<std::string>{"open"});
}

TEST_CASE("required_engine_version accepts semver and integers and rejects words") {
  auto a = load_rules("- required_engine_version: 0.26.0\n");
  CHECK(a.ok());
  CHECK(a.warning_count() == 0);
  auto b = load_rules("- required_engine_version: 26\n");
  CHECK(b.ok());
  CHECK(b.warning_count() == 0);
  auto c = load_rules("- required_engine_version: seven\n");
  CHECK_FALSE(c.ok());
  CHECK(c.has_error("Unable to parse engine version"));
  auto d = load_rules("- required_engine_version: 0.99.0\n");
  CHECK(d.has_error("Rules require engine version 0.99.0, but engine version is 0.63.0"));
}

TEST_CASE("capture and capture_duration load, default and can be replaced") {
  const std::string base = rule_yaml("r", "evt.type = open");
  auto a = load_rules(base + "  capture: true\n");
  CHECK(a.rule("r")->capture);
  auto b = load_rules(base);
  CHECK_FALSE(b.rule("r")->capture);
  CHECK(b.rule("r")->capture_duration == 0);
  auto c = load_rules(base + "  capture_duration: 10000\n");
  CHECK(c.rule("r")->capture_duration == 10000);
  auto d = load_rules(base + "  capture: true\n- rule: r\n  capture: false\n  override:\n    capture: replace\n");
  CHECK_FALSE(d.rule("r")->capture);
  auto e = load_rules(base + "  capture_duration: 5000\n- rule: r\n  capture_duration: 15000\n  override:\n    capture_duration: replace\n");
  CHECK(e.rule("r")->capture_duration == 15000);
  auto f = load_rules(base + "  capture_duration: \"not_a_number\"\n");
  CHECK_FALSE(f.ok());
  auto g = load_rules(base + "  capture: \"yes\"\n");
  CHECK(g.ok());
  CHECK(g.rule("r")->capture);
}
