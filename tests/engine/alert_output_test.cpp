// Alerts (rules-language.md §D): output formats, <NA>, widths, transformers, text and JSON.
#include <catch2/catch.hpp>

#include "support/rules_fixture.h"

using vigil::test::FakeEvent;
using vigil::test::load_rules;

namespace {

vigil::engine::Alert alert_for(const std::string& output, const FakeEvent& ev, const std::vector<std::string>& tags = {}) {
  std::string tag_yaml;
  for (auto& t : tags) tag_yaml += (tag_yaml.empty() ? "" : ", ") + t;
  auto l = load_rules("- rule: r\n  desc: d\n  condition: proc.name = cat\n  output: \"" + output +
                      "\"\n  priority: WARNING\n  warn_evttypes: false\n  tags: [" + tag_yaml + "]\n");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  const auto& m = l.engine->evaluate(3, ev.ctx());
  REQUIRE(m.size() == 1);
  return l.engine->alert(m[0], ev.ctx(), 1470327477881781397ull, "host1");
}

}  // namespace

TEST_CASE("alert text is the ISO time, the priority name and the formatted output with <NA> for missing values") {
  FakeEvent ev;
  ev.set("proc.name", {"cat"}).set("proc.cmdline", {"cat /dev/null"});
  auto a = alert_for("An open was seen (cport=%fd.cport command=%proc.cmdline)", ev);
  CHECK(a.text == "2016-08-04T16:17:57.881781397+0000: Warning An open was seen (cport=<NA> command=cat /dev/null)");
  CHECK(a.message == "An open was seen (cport=<NA> command=cat /dev/null)");
}

TEST_CASE("output tokens are the longest field prefix and may have widths and transformers") {
  FakeEvent ev;
  ev.set("proc.name", {"cat"}).set("fd.name", {"/etc/x"});
  CHECK(alert_for("%fd.name) %fd.namex", ev).message == "/etc/x) /etc/xx");
  CHECK(alert_for("[%5proc.name]", ev).message == "[cat  ]");
  CHECK(alert_for("%toupper(proc.name)", ev).message == "CAT");
}

TEST_CASE("JSON alerts have Falco's keys in alphabetical order with typed output fields") {
  FakeEvent ev;
  ev.set("proc.name", {"cat"}).set("proc.cmdline", {"cat /dev/null"}).set_num("proc.pid", {42});
  auto a = alert_for("cmd=%proc.cmdline pid=%proc.pid port=%fd.cport up=%toupper(proc.name)", ev, {"testing", "filesystem"});
  CHECK(a.to_json() ==
        "{\"hostname\":\"host1\",\"output\":\"2016-08-04T16:17:57.881781397+0000: Warning cmd=cat /dev/null pid=42 "
        "port=<NA> up=CAT\",\"output_fields\":{\"evt.time.iso8601\":1470327477881781397,\"proc.cmdline\":\"cat "
        "/dev/null\",\"proc.pid\":42,\"fd.cport\":null},\"priority\":\"Warning\",\"rule\":\"r\",\"source\":\"syscall\","
        "\"tags\":[\"filesystem\",\"testing\"],\"time\":\"2016-08-04T16:17:57.881781397Z\"}");
  std::string no_extras = a.to_json(false, false, false);
  CHECK(no_extras.find("\"output\"") == std::string::npos);
  CHECK(no_extras.find("\"tags\"") == std::string::npos);
  CHECK(no_extras.find("\"output_fields\"") == std::string::npos);
}

TEST_CASE("control characters and invalid UTF-8 in alerts are escaped in JSON") {
  FakeEvent ev;
  ev.set("proc.name", {"cat"}).set("proc.cmdline", {std::string("a\x01\xff\"b")});
  auto a = alert_for("%proc.cmdline", ev);
  std::string j = a.to_json();
  CHECK(j.find("a\\u0001\\u00ff\\\"b") != std::string::npos);
}

TEST_CASE("a trailing percent and an unknown token are output compile errors") {
  auto a = load_rules("- rule: r\n  desc: d\n  condition: evt.type = open\n  output: bad %\n  priority: INFO\n");
  CHECK(a.has_error("invalid formatting syntax: formatting cannot end with a %"));
  auto b = load_rules("- rule: r\n  desc: d\n  condition: evt.type = open\n  output: bad %nothing.here\n  priority: INFO\n");
  CHECK(b.has_error("unknown filter:"));
}

TEST_CASE("rule matching first stops at the first matching rule, all reports every rule") {
  auto l = load_rules(R"(
- rule: one
  desc: d
  condition: evt.type = open and proc.name = cat
  output: o
  priority: INFO
- rule: two
  desc: d
  condition: evt.type in (open, close)
  output: o
  priority: INFO
)");
  REQUIRE(l.ok());
  FakeEvent ev;
  ev.set("proc.name", {"cat"});
  uint16_t open_exit = 0;
  // open exit is an odd code whose enter is open too; find it from the rule's event types.
  REQUIRE(l.rule("one")->event_types == std::vector<std::string>{"open"});
  for (uint16_t c = 1; c < 400 && !open_exit; c += 2)
    if (!l.engine->evaluate(c, ev.ctx()).empty()) open_exit = c;
  REQUIRE(open_exit != 0);
  CHECK(l.engine->evaluate(open_exit, ev.ctx()).size() == 1);
  CHECK(l.engine->rules()[l.engine->evaluate(open_exit, ev.ctx())[0].rule].name == "one");
  l.engine->set_rule_matching(vigil::engine::RuleMatching::All);
  CHECK(l.engine->evaluate(open_exit, ev.ctx()).size() == 2);
  CHECK(l.engine->evaluate(open_exit - 1, ev.ctx()).empty());  // the enter event never reaches rules
}
