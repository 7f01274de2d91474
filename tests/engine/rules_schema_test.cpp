// The advisory JSON-schema check of rules files (rules-language.md §A.11, engine-cases.md "schema
// ok/failed") and Falco's validation JSON, from the engine and from `vigil -V`.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "support/rules_fixture.h"
#include "test_paths.h"

using vigil::engine::SchemaStatus;
using vigil::test::load_rules;

namespace {

SchemaStatus schema_of(const std::string& yaml) { return load_rules(yaml).result.schema; }

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

const std::string kRule = "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n";

}  // namespace

TEST_CASE("well-formed rules files pass the schema, including every key a rule may carry") {
  CHECK(schema_of(kRule) == SchemaStatus::Ok);
  CHECK(schema_of(kRule + "  warn_evttypes: false\n  skip-if-unknown-filter: true\n  capture: true\n"
                          "  capture_duration: 1000\n  tags: [a, b]\n  enabled: false\n  source: syscall\n") ==
        SchemaStatus::Ok);
  CHECK(schema_of(kRule + "- rule: r\n  warn_evttypes: true\n  capture: false\n  tags: [c]\n"
                          "  override:\n    warn_evttypes: replace\n    capture: replace\n    tags: append\n") ==
        SchemaStatus::Ok);
  CHECK(schema_of("- required_engine_version: 0.26.0\n- required_engine_version: 26\n"
                  "- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n    alternatives:\n"
                  "      - name: other\n        version: 0.2.0\n") == SchemaStatus::Ok);
  // The schema is one flat union of keys: a rule key on a list is schema-valid (the loader warns).
  auto list = load_rules("- list: l\n  items: [a, \"b c\", 80]\n  priority: INFO\n");
  CHECK(list.result.schema == SchemaStatus::Ok);
  CHECK(list.has_warning("Unknown key 'priority'"));
  CHECK(schema_of(kRule + "  exceptions:\n  - name: e\n    fields: [proc.name, fd.name]\n    comps: [=, startswith]\n"
                          "    values: [[a, /etc]]\n") == SchemaStatus::Ok);
}

TEST_CASE("unknown keys and wrong value types fail the schema without failing the load") {
  auto typo = load_rules(kRule + "  typo_field: x\n");
  CHECK(typo.ok());
  CHECK(typo.result.schema == SchemaStatus::Failed);
  REQUIRE(typo.result.schema_problems.size() == 1);
  CHECK(typo.result.schema_problems[0] == "line 6, column 3: unknown key 'typo_field'");
  // A quoted "yes" decodes as true for the loader but is a string for the schema.
  auto yes = load_rules(kRule + "  capture: \"yes\"\n");
  CHECK(yes.ok());
  CHECK(yes.result.schema == SchemaStatus::Failed);
  CHECK(schema_of("- list: l\n  items: [a]\n  override_written_wrong:\n    items: append\n") == SchemaStatus::Failed);
  CHECK(schema_of(kRule + "- rule: r\n  exceptions:\n  - name: e\n    value: [[x]]\n  append: true\n") ==
        SchemaStatus::Failed);
  CHECK(schema_of(kRule + "  tags: web\n") == SchemaStatus::Failed);
  CHECK(schema_of(kRule + "  capture_duration: soon\n") == SchemaStatus::Failed);
  CHECK(schema_of(kRule + "- rule: r\n  desc: x\n  override:\n    desc: prepend\n") == SchemaStatus::Failed);
}

TEST_CASE("a file that is not YAML has no schema status") {
  auto bad = load_rules("- rule: [unclosed\n");
  CHECK_FALSE(bad.ok());
  CHECK(bad.result.schema == SchemaStatus::None);
}

TEST_CASE("the three official rules files are schema-valid") {
  for (const char* f : {"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"}) {
    vigil::engine::Engine e(vigil::test::tsv_registry());
    const auto r = e.load_file(vigil::test::shared_path(std::string("rules/falco/") + f));
    INFO(f << ": " << (r.schema_problems.empty() ? "" : r.schema_problems[0]));
    CHECK(r.schema == SchemaStatus::Ok);
  }
}

TEST_CASE("validation JSON reports schema_valid and the schema problems of each file") {
  auto l = load_rules(kRule + "  typo_field: x\n");
  const std::string json = vigil::engine::Engine::validation_json({l.result});
  CHECK(json.find("\"successful\":true,\"schema_valid\":\"failed\",\"schema_warnings\":[\"line 6, column 3: unknown "
                  "key 'typo_field'\"]") != std::string::npos);
  auto good = load_rules(kRule);
  CHECK(vigil::engine::Engine::validation_json({good.result}).find("\"schema_valid\":\"ok\",\"schema_warnings\":[]") !=
        std::string::npos);
}

TEST_CASE("vigil -V with json_output prints the validation JSON with schema_valid") {
  const std::string dir = vigil::test::temp_dir();
  const std::string path = dir + "/rules.yaml";
  std::ofstream(path) << kRule << "  typo_field: x\n";
  const std::string out = run(vigil::test::binary_path("examples/vigil") + " -V " + path +
                              " -o json_output=true");
  CHECK(out.find("{\"falco_load_results\":[{\"name\":\"" + path + "\",\"successful\":true,\"schema_valid\":\"failed\"") ==
        0);
  CHECK(out.find("unknown key 'typo_field'") != std::string::npos);
  const std::string official = run(vigil::test::binary_path("examples/vigil") + " -V " +
                                   vigil::test::shared_path("rules/falco/falco_rules.yaml") + " -o json_output=true");
  CHECK(official.find("\"successful\":true,\"schema_valid\":\"ok\"") != std::string::npos);
}
