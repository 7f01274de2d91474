// register_compared_values: the absolute paths enabled rules compare fd.realpath with become the
// inspector's watched files, so a rule on such a file fires however the file was reached.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>

#include "../inspect/realpath_support.h"
#include "vigil/engine/compared_values.h"
#include "vigil/engine/engine.h"

using namespace vigil;
using namespace vigil::test;

namespace {

std::string realpath_rule(const std::string& name, const std::string& path, bool enabled = true) {
  return "- rule: " + name + "\n  desc: test\n  condition: evt.type = openat and fd.realpath = " + path +
         "\n  output: \"%fd.name %fd.realpath\"\n  priority: WARNING\n  enabled: " + (enabled ? "true" : "false") +
         "\n";
}

}  // namespace

TEST_CASE("The default rules' sensitive files are watched, among them /etc/shadow") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(canonical(temp_dir())), inspect::StateOrigin::LiveHost).ok());
  engine::Engine engine(inspector.fields());
  for (const engine::LoadResult& r : engine.load_paths({source_path("rules/vigil_rules.yaml")})) REQUIRE(r.ok);

  const std::vector<std::string> compared = engine.compared_strings("fd.realpath");
  REQUIRE(std::find(compared.begin(), compared.end(), "/etc/shadow") != compared.end());
  const size_t absolute = static_cast<size_t>(
      std::count_if(compared.begin(), compared.end(), [](const std::string& p) { return p.starts_with('/'); }));

  const engine::RegisteredValues reg = engine::register_compared_values(engine, inspector);
  CHECK(reg.paths == absolute);
  CHECK(reg.errors.empty());
  CHECK(inspector.stats().watched_paths_refused == 0);
}

TEST_CASE("A rule on fd.realpath fires for its file read through a symlink that is gone when the rule looks") {
  const std::string root = canonical(temp_dir());
  const std::string secret = root + "/secret";
  write_file(secret, "key");
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(root), inspect::StateOrigin::LiveHost).ok());
  engine::Engine engine(inspector.fields());
  REQUIRE(engine.load_string(realpath_rule("secret read", secret) +
                                 realpath_rule("disabled secret read", root + "/other", false),
                             "paths.yaml")
              .ok);

  const engine::RegisteredValues reg = engine::register_compared_values(engine, inspector);
  CHECK(reg.paths == 1);  // the disabled rule's path is not watched

  const std::string link = root + "/innocent";
  REQUIRE(::symlink(secret.c_str(), link.c_str()) == 0);
  const Identity id = identity(link);
  REQUIRE(::unlink(link.c_str()) == 0);  // the reader and its link are gone before vigil looks

  TestEvent open = open_event(getpid(), 50, link, id);
  const inspect::EventContext& ctx = inspector.process(open.view());
  std::vector<std::string> fired;
  for (const engine::Match& m : engine.evaluate(ctx.event().type(), ctx)) fired.push_back(engine.rules()[m.rule].name);
  CHECK(fired == std::vector<std::string>{"secret read"});
  CHECK(inspector.stats().realpath_pinned_hits >= 1);
}

TEST_CASE("Registering again watches exactly the current rules' paths, not the old ones too") {
  const std::string root = canonical(temp_dir());
  inspect::InspectorOptions room_for_two;
  room_for_two.max_watched_paths = 2;
  inspect::Inspector inspector(room_for_two);
  REQUIRE(inspector.seed(this_process(root), inspect::StateOrigin::LiveHost).ok());
  engine::Engine first(inspector.fields());
  REQUIRE(first.load_string(realpath_rule("a", root + "/a") + realpath_rule("b", root + "/b"), "first.yaml").ok);
  CHECK(engine::register_compared_values(first, inspector).paths == 2);

  // A reload's rules: two other paths fit only if the first two were let go.
  engine::Engine second(inspector.fields());
  REQUIRE(second.load_string(realpath_rule("c", root + "/c") + realpath_rule("d", root + "/d"), "second.yaml").ok);
  const engine::RegisteredValues reg = engine::register_compared_values(second, inspector);
  CHECK(reg.paths == 2);
  CHECK(reg.errors.empty());
  CHECK(inspector.stats().watched_paths_refused == 0);
}
