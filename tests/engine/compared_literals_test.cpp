// Engine::compared_strings: the literals rules compare a field with, from the final conditions
// (lists substituted, macros inlined, exceptions added), for consumers that must know them ahead
// of the events (fd.*ip.name host names, exact paths).
#include <catch2/catch.hpp>

#include <algorithm>

#include "test_paths.h"
#include "vigil/engine/engine.h"
#include "vigil/inspect/field.h"

using namespace vigil::engine;

namespace {

const vigil::inspect::FieldRegistry& syscall_fields() {
  static const auto registry = vigil::inspect::make_syscall_field_registry();
  return *registry;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

void load_official(Engine& engine) {
  for (const char* f : {"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"}) {
    const LoadResult r = engine.load_file(vigil::test::shared_path(std::string("rules/falco/") + f));
    REQUIRE(r.ok);
  }
}

}  // namespace

TEST_CASE("the official rules compare fd.sip.name with the miner domains and the kubernetes API name") {
  Engine engine(syscall_fields());
  load_official(engine);

  // Every loaded rule, enabled or not: the miner rule is disabled in the file.
  const auto loaded = engine.compared_strings("fd.sip.name", LiteralComparison::Equality, RuleScope::Loaded);
  CHECK(has(loaded, "kubernetes.default.svc.cluster.local"));
  for (const char* d : {"pool.minexmr.com", "xmr.crypto-pool.fr", "eu1.ethermine.org", "stratum.antpool.com"})
    CHECK(has(loaded, d));
  CHECK(loaded.size() > 20);
  CHECK(std::is_sorted(loaded.begin(), loaded.end()));
  CHECK(std::adjacent_find(loaded.begin(), loaded.end()) == loaded.end());

  // Only enabled rules by default: the kubernetes rule is enabled, the miner rule is not, until
  // someone enables it.
  auto enabled = engine.compared_strings("fd.sip.name");
  CHECK(has(enabled, "kubernetes.default.svc.cluster.local"));
  CHECK_FALSE(has(enabled, "pool.minexmr.com"));
  engine.enable_rules("Detect outbound connections to common miner pool ports", NameMatch::Exact, true);
  enabled = engine.compared_strings("fd.sip.name");
  CHECK(has(enabled, "pool.minexmr.com"));
  CHECK(has(enabled, "xmr.crypto-pool.fr"));

  // The other names fields: the sandbox's inbound allow-list is compared with fd.cip.name.
  CHECK(engine.compared_strings("fd.rip.name", LiteralComparison::Equality, RuleScope::Loaded).empty());
  CHECK(engine.compared_strings("fd.lip.name", LiteralComparison::Equality, RuleScope::Loaded).empty());
}

TEST_CASE("compared literals come from macros, lists, exceptions and negations, sorted by comparison") {
  Engine engine(syscall_fields());
  const LoadResult r = engine.load_string(R"(
- list: hosts
  items: [a.example, "b.example"]
- list: more_hosts
  items: [hosts, c.example]
- macro: to_hosts
  condition: fd.sip.name in (more_hosts)
- rule: R1
  desc: d
  condition: evt.type = connect and to_hosts and not fd.sip.name = d.example and fd.name pmatch (/etc, /root/x)
  output: o
  priority: WARNING
  exceptions:
    - name: skip_e
      fields: [fd.sip.name, fd.name]
      comps: [=, startswith]
      values:
        - [e.example, /tmp]
- rule: R2
  desc: d
  condition: evt.type = open and (fd.name = /etc/shadow or fd.name in (/etc/passwd, "/etc/sudoers"))
    and tolower(fd.name) = /ignored and fd.name contains secret and fd.name = val(fd.directory)
  output: o
  priority: WARNING
)",
                                          "inline.yaml");
  REQUIRE(r.ok);
  CHECK(engine.compared_strings("fd.sip.name") ==
        std::vector<std::string>{"a.example", "b.example", "c.example", "d.example", "e.example"});
  CHECK(engine.compared_strings("fd.name") == std::vector<std::string>{"/etc/passwd", "/etc/shadow", "/etc/sudoers"});
  CHECK(engine.compared_strings("fd.name", LiteralComparison::Prefix) ==
        std::vector<std::string>{"/etc", "/root/x", "/tmp"});
  CHECK(engine.compared_strings("fd.name", LiteralComparison::Other) == std::vector<std::string>{"secret"});
  CHECK(engine.compared_strings("evt.type") == std::vector<std::string>{"connect", "open"});

  // Per rule, in condition order.
  const auto& lits = engine.rules()[1].compared_literals;
  REQUIRE(lits.size() >= 2);
  CHECK(lits[1].field == "fd.name");
  CHECK(lits[1].value == "/etc/shadow");

  // Disabled rules drop out of the default scope, not of RuleScope::Loaded.
  engine.enable_rules("R2", NameMatch::Exact, false);
  CHECK(engine.compared_strings("fd.name").empty());
  CHECK(engine.compared_strings("fd.name", LiteralComparison::Equality, RuleScope::Loaded).size() == 3);
  // Another ruleset starts empty.
  CHECK(engine.compared_strings("fd.sip.name", LiteralComparison::Equality, RuleScope::Enabled, "other").empty());
}
