// Hostile rules files: every fault is a located error, never a crash, a hang or unbounded memory.
#include <catch2/catch.hpp>

#include "support/rules_fixture.h"

using vigil::test::load_rules;

namespace {

const vigil::engine::Diagnostic* first_error(const vigil::test::LoadedRules& l) {
  for (auto& d : l.result.diagnostics)
    if (d.severity == vigil::engine::Severity::Error) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("an unknown field is an error at its line and column, naming the rule") {
  auto l = load_rules("- rule: bad rule\n  desc: d\n  condition: evt.type = open and proc.nobody = x\n  output: o\n  priority: INFO\n");
  REQUIRE_FALSE(l.ok());
  auto* e = first_error(l);
  REQUIRE(e);
  CHECK(e->code == "LOAD_ERR_COMPILE_CONDITION");
  CHECK(e->message.find("proc.nobody") != std::string::npos);
  CHECK(e->file == "rules.yaml");
  CHECK(e->line == 3);
  CHECK(e->column == 34);
  CHECK(e->item_type == "rule");
  CHECK(e->item_name == "bad rule");
}

TEST_CASE("a wrong value type and an invalid regex are located compile errors") {
  auto a = load_rules("- rule: r\n  desc: d\n  condition: proc.pid = abc\n  output: o\n  priority: INFO\n");
  REQUIRE_FALSE(a.ok());
  CHECK(first_error(a)->message == "abc is not a valid number");
  CHECK(first_error(a)->column == 25);
  auto b = load_rules("- rule: r\n  desc: d\n  condition: proc.name regex \"(x\"\n  output: o\n  priority: INFO\n");
  REQUIRE_FALSE(b.ok());
  CHECK(first_error(b)->message.find("invalid regular expression") == 0);
}

TEST_CASE("a YAML syntax error reports its line") {
  auto l = load_rules("- rule: r\n  desc: d\n  condition: this : is : not : yaml\n");
  REQUIRE_FALSE(l.ok());
  CHECK(first_error(l)->code == "LOAD_ERR_YAML_PARSE");
  CHECK(first_error(l)->line == 3);
}

TEST_CASE("deeply nested YAML and conditions are refused without crashing") {
  std::string deep = "- list: l\n  items: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto a = load_rules(deep);
  CHECK_FALSE(a.ok());
  std::string cond(20000, '(');
  cond += "proc.name = x" + std::string(20000, ')');
  auto b = load_rules("- rule: r\n  desc: d\n  condition: " + cond + "\n  output: o\n  priority: INFO\n");
  REQUIRE_FALSE(b.ok());
  CHECK(first_error(b)->message.find("exceeded max depth limit") != std::string::npos);
}

TEST_CASE("YAML alias bombs are rejected at the first non-scalar list item") {
  std::string bomb = "- list: a0\n  items: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a0";
  for (int i = 1; i < 12; ++i) {
    std::string name = "a" + std::to_string(i);
    bomb += "- list: " + name + "\n  items: &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
    prev = name;
  }
  auto l = load_rules(bomb);
  REQUIRE_FALSE(l.ok());
  CHECK(first_error(l)->message == "sequence value is not scalar");
  CHECK(first_error(l)->item_name == "a1");
}

TEST_CASE("a list of 200000 items loads and compiles to a hash set") {
  std::string items;
  for (int i = 0; i < 200000; ++i) items += (i ? ", " : "") + std::string("p") + std::to_string(i);
  auto l = load_rules("- list: big\n  items: [" + items + "]\n- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name in (big)\n  output: o\n  priority: INFO\n");
  INFO(l.all_messages());
  CHECK(l.ok());
}

TEST_CASE("macros that reference each other are an error, not a hang") {
  auto a = load_rules("- macro: a\n  condition: b\n- macro: b\n  condition: a\n- rule: r\n  desc: d\n  condition: a\n  output: o\n  priority: INFO\n");
  REQUIRE_FALSE(a.ok());
  CHECK(first_error(a)->message == "Undefined macro 'b' used in filter.");
  CHECK(first_error(a)->item_name == "a");
  auto self = load_rules("- macro: a\n  condition: a\n");
  REQUIRE_FALSE(self.ok());
  CHECK(first_error(self)->message == "Undefined macro 'a' used in filter.");
  // Visibility allows the cycle once b is appended to after a exists.
  auto loop = load_rules("- macro: b\n  condition: proc.name = x\n- macro: a\n  condition: b\n- macro: b\n  condition: or a\n  append: true\n");
  REQUIRE_FALSE(loop.ok());
  CHECK(first_error(loop)->message.find("reference loop in macro") != std::string::npos);
}

TEST_CASE("macro and list visibility follows first-definition order") {
  // A macro may only use macros defined before it; rules may use any.
  auto late = load_rules("- macro: a\n  condition: b\n- macro: b\n  condition: proc.name = x\n");
  CHECK(late.has_error("Undefined macro 'b' used in filter."));
  auto rule_first = load_rules("- rule: r\n  desc: d\n  condition: evt.type = open and m\n  output: o\n  priority: INFO\n- macro: m\n  condition: proc.name = x\n");
  REQUIRE(rule_first.ok());
  // A list item names an earlier list: expanded one level; a later list is not.
  auto lists = load_rules(R"(
- list: inner
  items: [a, b]
- list: outer
  items: [inner, c, later]
- list: later
  items: [z]
- rule: r
  desc: d
  condition: evt.type = open and proc.name in (outer)
  output: o
  priority: INFO
)");
  REQUIRE(lists.ok());
  CHECK(lists.compiled("r") == "(evt.type = open and proc.name in (a, b, c, z))");
}

TEST_CASE("macros that do not parse fail even when unused; unknown fields in unused macros do not") {
  auto a = load_rules("- macro: m\n  condition: proc.name = (\n");
  CHECK_FALSE(a.ok());
  auto b = load_rules("- macro: m\n  condition: proc.nobody = x\n");
  CHECK(b.ok());
  CHECK(b.has_warning("Macro not referred to by any other rule/macro"));
}

TEST_CASE("skip-if-unknown-filter turns unknown fields and event types into a skipped rule") {
  auto a = load_rules("- rule: r\n  desc: d\n  condition: evt.type = open and proc.nobody = x\n  output: o\n  priority: INFO\n  skip-if-unknown-filter: true\n");
  REQUIRE(a.ok());
  CHECK(a.engine->rules().empty());
  CHECK(a.has_warning("nonexistent field"));
  auto b = load_rules("- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o %proc.nobody\n  priority: INFO\n  skip-if-unknown-filter: true\n");
  REQUIRE(b.ok());
  CHECK(b.engine->rules().empty());
  auto c = load_rules("- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o %proc.nobody\n  priority: INFO\n");
  CHECK_FALSE(c.ok());
  CHECK(c.has_error("unknown filter"));
}

TEST_CASE("validation JSON lists each file's errors and warnings with their locations") {
  auto l = load_rules("- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  typo: x\n");
  std::string json = vigil::engine::Engine::validation_json({l.result});
  CHECK(json.find("\"falco_load_results\":[{\"name\":\"rules.yaml\",\"successful\":true") != std::string::npos);
  CHECK(json.find("\"code\":\"LOAD_UNKNOWN_KEY\"") != std::string::npos);
  CHECK(json.find("\"codedesc\":\"Unknown key\"") != std::string::npos);
  CHECK(json.find("\"item_type\":\"rule\",\"item_name\":\"r\",\"position\":{\"name\":\"rules.yaml\",\"line\":6,\"column\":3}") !=
        std::string::npos);
  CHECK(json.find("\"errors\":[]") != std::string::npos);
}

TEST_CASE("a rules file that does not exist is a file-read error") {
  vigil::engine::Engine e(vigil::test::tsv_registry_without_plugins());
  auto r = e.load_file("/nonexistent/rules.yaml");
  CHECK_FALSE(r.ok);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == "LOAD_ERR_FILE_READ");
}

TEST_CASE("a failing later file keeps the previously compiled rules active") {
  vigil::engine::Engine e(vigil::test::tsv_registry_without_plugins());
  REQUIRE(e.load_string("- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n", "a.yaml").ok);
  auto bad = e.load_string("- rule: s\n  desc: d\n  condition: proc.nobody = 1\n  output: o\n  priority: INFO\n", "b.yaml");
  CHECK_FALSE(bad.ok);
  REQUIRE(e.rules().size() == 1);
  CHECK(e.rules()[0].name == "r");
  CHECK(e.enabled_count() == 1);
}

TEST_CASE("macro nesting that builds a too-deep tree is refused") {
  std::string nots;
  for (int i = 0; i < 600; ++i) nots += "not ";
  std::string yaml = "- macro: m0\n  condition: " + nots + "proc.name = x\n";
  for (int i = 1; i < 5; ++i) yaml += "- macro: m" + std::to_string(i) + "\n  condition: " + nots + "m" + std::to_string(i - 1) + "\n";
  yaml += "- rule: r\n  desc: d\n  condition: m4\n  output: o\n  priority: INFO\n";
  auto l = load_rules(yaml);
  REQUIRE_FALSE(l.ok());
  CHECK(l.has_error("levels after macro expansion"));
}
