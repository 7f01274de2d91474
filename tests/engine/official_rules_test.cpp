// The official Falco rules files load unmodified (issue 4, item 5).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "support/tsv_field_registry.h"
#include "test_paths.h"
#include "vigil/engine/engine.h"
#include "vigil/inspect/field.h"

using vigil::engine::Engine;
using vigil::engine::Severity;

namespace {

// The real syscall field registry of the inspection layer.
const vigil::inspect::FieldRegistry& syscall_fields() {
  static const auto registry = vigil::inspect::make_syscall_field_registry();
  return *registry;
}

std::vector<std::string> errors_of(const vigil::engine::LoadResult& r) {
  std::vector<std::string> out;
  for (auto& d : r.diagnostics)
    if (d.severity == Severity::Error) out.push_back(d.to_string());
  return out;
}

}  // namespace

TEST_CASE("the stable official rules file loads with zero errors") {
  Engine engine(syscall_fields());
  auto r = engine.load_file(vigil::test::shared_path("rules/falco/falco_rules.yaml"));
  INFO(Catch::Detail::stringify(errors_of(r)));
  for (auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
  CHECK(r.ok);
  CHECK(errors_of(r).empty());
  CHECK(engine.rules().size() > 20);
}

TEST_CASE("all three official rules files load in order with zero errors") {
  Engine engine(syscall_fields());
  auto results = engine.load_paths({vigil::test::shared_path("rules/falco/falco_rules.yaml"),
                                    vigil::test::shared_path("rules/falco/falco-incubating_rules.yaml"),
                                    vigil::test::shared_path("rules/falco/falco-sandbox_rules.yaml")});
  REQUIRE(results.size() == 3);
  for (auto& r : results) {
    for (auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
    CHECK(r.ok);
  }
  CHECK(engine.rules().size() == 93);
}

namespace {

struct ExpectedTypes {
  std::vector<std::string> names;
  bool warns;
};

std::map<std::string, ExpectedTypes> expected_event_types() {
  std::ifstream in(vigil::test::shared_path("docs/rules-evttypes.tsv"));
  std::string line;
  std::getline(in, line);
  std::map<std::string, ExpectedTypes> out;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    if (cols.size() < 6) continue;
    ExpectedTypes e;
    std::stringstream ns(cols[4]);
    while (std::getline(ns, c, ',')) e.names.push_back(c);
    std::sort(e.names.begin(), e.names.end());
    e.warns = cols[5] == "yes";
    out[cols[0]] = e;
  }
  return out;
}

}  // namespace

TEST_CASE("every official rule is indexed under the event types of rules-evttypes.tsv") {
  Engine engine(syscall_fields());
  auto results = engine.load_paths({vigil::test::shared_path("rules/falco/falco_rules.yaml"),
                                    vigil::test::shared_path("rules/falco/falco-incubating_rules.yaml"),
                                    vigil::test::shared_path("rules/falco/falco-sandbox_rules.yaml")});
  REQUIRE(results.size() == 3);
  auto expected = expected_event_types();
  REQUIRE(expected.size() == 93);
  for (auto& r : engine.rules()) {
    INFO(r.name);
    auto it = expected.find(r.name);
    REQUIRE(it != expected.end());
    CHECK(r.event_types == it->second.names);
    CHECK(r.all_event_types == it->second.warns);
  }
  size_t no_evttype_warnings = 0;
  for (auto& res : results)
    for (auto& d : res.diagnostics) no_evttype_warnings += d.code == "LOAD_NO_EVTTYPE";
  CHECK(no_evttype_warnings == 0);
}

TEST_CASE("the official rules produce no warnings except unused-item notices while files are loaded one by one") {
  Engine engine(syscall_fields());
  auto results = engine.load_paths({vigil::test::shared_path("rules/falco/falco_rules.yaml"),
                                    vigil::test::shared_path("rules/falco/falco-incubating_rules.yaml"),
                                    vigil::test::shared_path("rules/falco/falco-sandbox_rules.yaml")});
  for (auto& res : results)
    for (auto& d : res.diagnostics) {
      INFO(d.to_string());
      CHECK((d.code == "LOAD_UNUSED_MACRO" || d.code == "LOAD_UNUSED_LIST"));
    }
}
