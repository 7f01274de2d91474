// Falco's append_output configuration (falco.yaml): match selectors, extra_output text and
// extra_fields in both of Falco's shapes, read by load_config_* and fed to an Engine through
// apply_append_output, then seen in real alerts.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "support/tsv_field_registry.h"
#include "vigil/engine/config.h"
#include "vigil/engine/engine.h"

using vigil::engine::Config;
using vigil::engine::Engine;
using vigil::test::FakeEvent;

namespace {

const char* const kRules = R"(
- rule: open_rule
  desc: d
  condition: evt.type = open
  output: opened %fd.name
  priority: INFO
  tags: [filesystem, mitre]
- rule: close_rule
  desc: d
  condition: evt.type = close
  output: closed
  priority: INFO
  tags: [filesystem]
)";

Config load_ok(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  auto c = vigil::engine::load_config_string(yaml, "vigil.yaml", overrides);
  if (!c.ok()) FAIL(c.error().to_string());
  return *c;
}

std::string load_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  auto c = vigil::engine::load_config_string(yaml, "vigil.yaml", overrides);
  REQUIRE_FALSE(c.ok());
  return c.error().to_string();
}

// An engine set up from `config` the way vigil's CLI does it, with kRules loaded.
std::unique_ptr<Engine> engine_for(const Config& config) {
  auto e = std::make_unique<Engine>(vigil::test::tsv_registry_without_plugins());
  vigil::engine::apply_append_output(*e, config);
  auto r = e->load_string(kRules, "rules.yaml");
  INFO((r.diagnostics.empty() ? std::string() : r.diagnostics.back().message));
  REQUIRE(r.ok);
  return e;
}

const vigil::engine::Alert::Field* field(const vigil::engine::Alert& a, const std::string& name) {
  for (const auto& f : a.output_fields)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("append_output extra_fields read field names and name-to-format maps as Falco's falco.yaml shows") {
  Config c = load_ok(R"(
append_output:
  - match:
      source: syscall
      tags: [mitre]
      rule: open_rule
    extra_output: "on CPU %evt.cpu"
    extra_fields:
      - file_of: "file=%fd.name"
      - evt.cpu
)");
  CHECK(c.warnings.empty());
  REQUIRE(c.append_output.size() == 1);
  const auto& x = c.append_output[0];
  CHECK(x.source == "syscall");
  CHECK(x.rule == "open_rule");
  CHECK(x.tags == std::set<std::string>{"mitre"});
  CHECK(x.format == "on CPU %evt.cpu");
  CHECK(x.fields == std::map<std::string, std::string>{{"file_of", "file=%fd.name"}, {"evt.cpu", "%evt.cpu"}});
}

TEST_CASE("extra fields from the configuration reach the alert's output fields, typed when given by field name") {
  Config c = load_ok(R"(
append_output:
  - match: {tags: [mitre]}
    extra_fields:
      - evt.cpu
      - where: "file=%fd.name cpu=%evt.cpu"
  - extra_output: "type=%evt.type"
)");
  auto e = engine_for(c);
  CHECK(e->rules()[0].output == "opened %fd.name type=%evt.type");
  CHECK(e->rules()[1].output == "closed type=%evt.type");
  CHECK(e->rules()[0].extra_output_fields ==
        std::map<std::string, std::string>{{"evt.cpu", "%evt.cpu"}, {"where", "file=%fd.name cpu=%evt.cpu"}});
  CHECK(e->rules()[1].extra_output_fields.empty());  // close_rule lacks the mitre tag

  FakeEvent ev;
  ev.set_num("evt.cpu", {3});
  ev.set("fd.name", {"/etc/passwd"});
  ev.set("evt.type", {"open"});
  const auto a = e->alert({0}, ev.ctx(), 0, "host");
  CHECK(a.message == "opened /etc/passwd type=open");  // extra fields stay out of the text
  const auto* cpu = field(a, "evt.cpu");
  REQUIRE(cpu != nullptr);
  CHECK(cpu->value == "3");
  CHECK(cpu->kind == vigil::engine::Alert::Field::Kind::Number);
  const auto* where = field(a, "where");
  REQUIRE(where != nullptr);
  CHECK(where->value == "file=/etc/passwd cpu=3");
  CHECK(where->kind == vigil::engine::Alert::Field::Kind::String);
  const std::string json = a.to_json();
  CHECK(json.find("\"evt.cpu\":3") != std::string::npos);
  CHECK(json.find("\"where\":\"file=/etc/passwd cpu=3\"") != std::string::npos);

  const auto closed = e->alert({1}, ev.ctx(), 0, "host");
  CHECK(field(closed, "where") == nullptr);
}

TEST_CASE("environment references in configuration values expand as in Falco, $${x} staying literal") {
  ::setenv("VIGIL_TEST_APPEND_HOME", "/home/tester", 1);
  ::unsetenv("VIGIL_TEST_APPEND_UNSET");
  Config c = load_ok(R"(
append_output:
  - extra_fields:
      - home_directory: "${VIGIL_TEST_APPEND_HOME}"
      - literal: "cost $$5 ${VIGIL_TEST_APPEND_UNSET}x $${NOT_EXPANDED}"
)");
  REQUIRE(c.append_output.size() == 1);
  CHECK(c.append_output[0].fields.at("home_directory") == "/home/tester");
  CHECK(c.append_output[0].fields.at("literal") == "cost $$5 x ${NOT_EXPANDED}");
}

TEST_CASE("append_output entries and extra fields can be added with -o, [] appending like Falco's") {
  Config c = load_ok("append_output:\n  - extra_output: first\n",
                     {"append_output[].match.rule=open_rule", "append_output[1].extra_fields[]=evt.cpu",
                      "append_output[1].extra_fields[]={pid: \"%proc.pid\"}",
                      "append_output[2]={extra_fields: [fd.name]}"});
  REQUIRE(c.append_output.size() == 3);
  CHECK(c.append_output[0].format == "first");
  CHECK(c.append_output[1].rule == "open_rule");
  CHECK(c.append_output[1].fields ==
        std::map<std::string, std::string>{{"evt.cpu", "%evt.cpu"}, {"pid", "%proc.pid"}});
  CHECK(c.append_output[2].fields == std::map<std::string, std::string>{{"fd.name", "%fd.name"}});
}

TEST_CASE("malformed extra_fields are errors located in the file or at the -o option") {
  CHECK(load_error("append_output:\n  - extra_fields: evt.cpu\n") ==
        "vigil.yaml:2:19: append_output[0].extra_fields: expected a list of field names and {name: format} maps");
  CHECK(load_error("append_output:\n  - extra_fields:\n      - a: x\n        b: y\n") ==
        "vigil.yaml:3:9: append_output[0].extra_fields[0]: expected a field name or a one-key map {name: format}");
  CHECK(load_error("append_output:\n  - extra_fields: [evt.cpu, {evt.cpu: x}]\n") ==
        "vigil.yaml:2:39: append_output[0].extra_fields[1].evt.cpu: extra field 'evt.cpu' is defined twice");
  CHECK(load_error("append_output:\n  - extra_fields: [{a: [x]}]\n") ==
        "vigil.yaml:2:24: append_output[0].extra_fields[0].a: expected a string");
  CHECK(load_error("", {"append_output[0].extra_fields[0]={x: \"\"}"}) ==
        "-o append_output[0].extra_fields[0]={x: \"\"}: append_output[0].extra_fields[0].x: extra field 'x' has an "
        "empty format");
}

TEST_CASE("Falco's default append_output entry (suggested_output) loads without a warning") {
  Config c = load_ok("append_output:\n  - suggested_output: true\n");
  CHECK(c.warnings.empty());
  REQUIRE(c.append_output.size() == 1);
  CHECK(c.append_output[0].format.empty());
  CHECK(c.append_output[0].fields.empty());
}

TEST_CASE("an extra field that names no known field fails the rules load with the field's name") {
  Config c = load_ok("append_output:\n  - extra_fields: [proc.nonexistent]\n");
  Engine e(vigil::test::tsv_registry_without_plugins());
  vigil::engine::apply_append_output(e, c);
  auto r = e.load_string(kRules, "rules.yaml");
  CHECK_FALSE(r.ok);
  REQUIRE_FALSE(r.diagnostics.empty());
  CHECK(r.diagnostics.back().message.find("extra output field 'proc.nonexistent'") == 0);
}
