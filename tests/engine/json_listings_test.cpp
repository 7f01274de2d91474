// Falco's JSON listings (-V load results, --list rules) as documents: exact shape on a known
// input, and valid JSON whatever bytes the rules file holds.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/rules_fixture.h"

using vigil::engine::Engine;
using vigil::test::load_rules;
using vigil::test::rule_yaml;

TEST_CASE("validation JSON has Falco's keys in Falco's order") {
  auto l = load_rules(rule_yaml("r", "evt.type = open", "  typo: x\n"));
  REQUIRE(l.ok());
  CHECK(Engine::validation_json({l.result}) ==
        R"({"falco_load_results":[{"name":"rules.yaml","successful":true,"schema_valid":"failed",)"
              R"("schema_warnings":["line 6, column 3: unknown key 'typo'"],"errors":[],"warnings":[)"
        R"({"code":"LOAD_UNKNOWN_KEY","codedesc":"Unknown key","message":"Unknown key 'typo'. The key will be ignored.",)"
        R"("context":{"locations":[{"item_type":"rule","item_name":"r","position":{"name":"rules.yaml","line":6,)"
        R"("column":3}}],"snippet":"  priority: INFO\n  typo: x\n"}}]}]})");
}

TEST_CASE("validation JSON stays valid JSON when the rules file has bytes that are not UTF-8") {
  auto l = load_rules(rule_yaml("r", "evt.type = open", "  typo\xff: \x7f\x01\n"));
  const std::string json = Engine::validation_json({l.result});
  INFO(json);
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  const auto& warnings = doc["falco_load_results"][0]["warnings"];
  REQUIRE(warnings.size() == 1);
  // The stray byte becomes U+FFFD; control characters are escaped, DEL is kept as Falco does.
  CHECK(warnings[0]["message"] == "Unknown key 'typo\xef\xbf\xbd'. The key will be ignored.");
  CHECK(json.find("\\u0001") != std::string::npos);
  CHECK(json.find('\x7f') != std::string::npos);
}

TEST_CASE("the rules listing gives each compiled rule with its state, tags and event types") {
  auto l = load_rules(rule_yaml("shell", "evt.type = execve and proc.name = bash", "  tags: [process, \"q\\\"uote\"]\n") +
                      rule_yaml("off", "evt.type in (open, close)", "  enabled: false\n", "DEBUG"));
  REQUIRE(l.ok());
  const std::string json = l.engine->rules_json();
  CHECK(json.starts_with(R"([{"name":"shell","desc":"d","condition":"evt.type = execve and proc.name = bash",)"));
  const auto doc = nlohmann::json::parse(json);
  REQUIRE(doc.size() == 2);
  CHECK(doc[0]["compiled_condition"] == "(evt.type = execve and proc.name = bash)");
  CHECK(doc[0]["priority"] == "Informational");
  CHECK(doc[0]["enabled"] == true);
  CHECK(doc[0]["tags"] == nlohmann::json::array({"process", "q\"uote"}));
  CHECK(doc[0]["event_types"] == nlohmann::json::array({"execve"}));
  CHECK(doc[1]["enabled"] == false);
  CHECK(doc[1]["priority"] == "Debug");
  CHECK(doc[1]["event_types"] == nlohmann::json::array({"close", "open"}));
}
