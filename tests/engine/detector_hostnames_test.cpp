// Detector with DetectorOptions::inspector: the host names the enabled rules compare fd.*ip.name
// with are watched by the inspector after create() and after every reload.
#include <catch2/catch.hpp>

#include <fstream>
#include <mutex>
#include <set>

#include "test_paths.h"
#include "vigil/engine/detector.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using namespace vigil::engine;

namespace {

// Resolves every name to 10.0.0.1 and remembers which names it was asked for.
class RecordingResolver final : public inspect::HostnameResolver {
 public:
  bool resolve(std::string_view name, std::vector<inspect::IpValue>& out) const override {
    std::lock_guard<std::mutex> lock(mu);
    asked.insert(std::string(name));
    inspect::IpValue ip;
    ip.family = 4;
    ip.addr = {10, 0, 0, 1};
    out.push_back(ip);
    return true;
  }
  mutable std::mutex mu;
  mutable std::set<std::string> asked;
};

void write_rules(const std::string& path, const std::string& condition) {
  std::ofstream(path) << "- rule: outbound to a watched host\n  desc: test\n  condition: evt.type = connect and "
                      << condition << "\n  output: \"%fd.name\"\n  priority: WARNING\n"
                      << "- rule: disabled one\n  desc: test\n  condition: evt.type = connect and "
                      << "fd.rip.name = disabled.example\n  output: x\n  priority: WARNING\n  enabled: false\n";
}

}  // namespace

TEST_CASE("a detector watches the host names of its rules, and those of the new rules after a reload") {
  const std::string dir = test::temp_dir();
  const std::string rules = dir + "/rules.yaml";
  std::ofstream(dir + "/hosts") << "127.0.0.1 localhost\n";
  write_rules(rules, "(fd.sip.name = one.example or fd.cip.name = localhost)");

  RecordingResolver resolver;
  inspect::InspectorOptions iopts;
  iopts.hosts_file = dir + "/hosts";
  iopts.hostname_resolver = &resolver;
  iopts.hostname_resolution = inspect::HostnameResolution::Synchronous;
  inspect::Inspector inspector(iopts);

  DetectorOptions dopts;
  dopts.overrides = {"stdout_output.enabled=false", "syslog_output.enabled=false"};
  dopts.rules_paths = [rules](const Config&) { return std::vector<std::string>{rules}; };
  dopts.inspector = &inspector;
  auto created = Detector::create(inspector.fields(), dopts);
  REQUIRE(created.ok());
  Detector& d = **created;

  // localhost is in the hosts file: registered, but nothing to look up. The disabled rule's name
  // is not registered.
  CHECK(d.registered_values().hostnames == 2);
  CHECK(d.registered_values().errors.empty());
  CHECK(resolver.asked == std::set<std::string>{"one.example"});
  CHECK(inspector.stats().hostnames_watched == 1);

  write_rules(rules, "fd.sip.name in (two.example, \"three.example\", one.example)");
  REQUIRE(d.reload().ok());
  CHECK(d.registered_values().hostnames == 3);
  CHECK(resolver.asked == std::set<std::string>{"one.example", "two.example", "three.example"});
  CHECK(inspector.stats().hostnames_watched == 3);
  CHECK(inspector.stats().hostname_lookups == 3);  // one.example was not looked up again

  // A refused reload registers nothing new.
  std::ofstream(rules) << "- rule: broken\n  condition: fd.sip.name = four.example and (\n";
  CHECK_FALSE(d.reload().ok());
  CHECK(resolver.asked.count("four.example") == 0);
}

TEST_CASE("a detector without an inspector registers nothing") {
  const std::string dir = test::temp_dir();
  const std::string rules = dir + "/rules.yaml";
  write_rules(rules, "fd.sip.name = one.example");
  inspect::Inspector inspector;
  DetectorOptions dopts;
  dopts.overrides = {"stdout_output.enabled=false", "syslog_output.enabled=false"};
  dopts.rules_paths = [rules](const Config&) { return std::vector<std::string>{rules}; };
  auto created = Detector::create(inspector.fields(), dopts);
  REQUIRE(created.ok());
  CHECK((*created)->registered_values().hostnames == 0);
  CHECK(inspector.stats().hostnames_watched == 0);
}
