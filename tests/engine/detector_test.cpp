// Detector: configuration + rules reloaded in place over a real capture replay, with the
// inspector's state carried across; ConfigWatcher on real files; syslog with no daemon.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/engine/config_watcher.h"
#include "vigil/engine/detector.h"
#include "vigil/inspect/inspector.h"
#include "test_text.h"

using vigil::test::slurp;
using vigil::test::count;

using namespace vigil::engine;
namespace fs = std::filesystem;

namespace {

const char* kLibc = "/lib/x86_64-linux-gnu/libc.so.6";

std::string rule(const std::string& name, const std::string& condition, const std::string& output) {
  return "- rule: " + name + "\n  desc: test\n  condition: " + condition + "\n  output: \"" + output +
         "\"\n  priority: WARNING\n";
}

// A vigil.yaml sending text alerts to `alerts` only, with `rules` as the rules file.
std::string write_config(const std::string& dir, const std::string& rules, const std::string& alerts) {
  const std::string path = dir + "/vigil.yaml";
  std::ofstream(path) << "rules_files: [" << rules << "]\n"
                      << "stdout_output: {enabled: false}\nsyslog_output: {enabled: false}\n"
                      << "file_output: {enabled: true, keep_alive: true, filename: " << alerts << "}\n";
  return path;
}

// Replays cat_write.scap; `after_event` runs after each event with whether it raised alerts.
void replay(Detector& d, vigil::inspect::Inspector& inspector, const std::function<void(size_t)>& after_event) {
  auto reader = vigil::capture::ScapReader::open(vigil::test::capture_path("cat_write.scap"));
  REQUIRE(reader.ok());
  REQUIRE(inspector.seed((*reader)->metadata()).ok());
  vigil::capture::EventView ev;
  while ((*reader)->next(ev) == vigil::capture::NextStatus::Event) {
    const size_t alerts = d.process(ev.type(), inspector.process(ev), ev.ts());
    after_event(alerts);
  }
}

}  // namespace

TEST_CASE("a reload brings in rules that fire on fds and parents known from before the reload") {
  const std::string dir = vigil::test::temp_dir();
  const std::string rules = dir + "/rules.yaml";
  const std::string alerts = dir + "/alerts.txt";
  std::ofstream(rules) << rule("Libc opened", std::string("evt.type=open and fd.name=") + kLibc, "opened %fd.name");
  vigil::inspect::Inspector inspector;
  auto d = Detector::create(inspector.fields(), {.config_file = write_config(dir, rules, alerts)});
  REQUIRE(d.ok());
  bool reloaded = false;
  replay(**d, inspector, [&](size_t fired) {
    if (fired == 0 || reloaded) return;
    // Right after cat opened libc: from now on only reads of that fd matter.
    std::ofstream(rules) << rule("Libc read", std::string("evt.type=read and fd.name=") + kLibc,
                                 "read %fd.name fd=%fd.num by %proc.name parent=%proc.pname");
    REQUIRE((*d)->reload().ok());
    reloaded = true;
  });
  REQUIRE(reloaded);
  CHECK((*d)->reloads() == 1);
  REQUIRE((*d)->close().ok());
  const std::string text = slurp(alerts);
  INFO(text);
  CHECK(count(text, "opened /lib/x86_64-linux-gnu/libc.so.6") == 1);
  CHECK(count(text, "read /lib/x86_64-linux-gnu/libc.so.6 fd=3 by cat parent=bash") == 1);
  CHECK((*d)->engine().rules().size() == 1);
  CHECK((*d)->engine().rules()[0].name == "Libc read");
  // Counters and output statistics carry on across the swap.
  CHECK((*d)->alert_counters().total() == 2);
  const OutputsStats st = (*d)->outputs_stats();
  REQUIRE(st.sinks.size() == 1);
  CHECK(st.sinks[0].name == "file");
  CHECK(st.sinks[0].sent == 2);
}

TEST_CASE("a reload with a broken rules file keeps the running rules and names the file and line") {
  const std::string dir = vigil::test::temp_dir();
  const std::string rules = dir + "/rules.yaml";
  const std::string alerts = dir + "/alerts.txt";
  std::ofstream(rules) << rule("Any close", "evt.type=close and fd.name!=''", "closed %fd.name");
  vigil::inspect::Inspector inspector;
  auto d = Detector::create(inspector.fields(), {.config_file = write_config(dir, rules, alerts)});
  REQUIRE(d.ok());
  std::ofstream(rules) << rule("Any close", "evt.type=close and fd.name!=''", "closed %fd.name")
                       << "- rule: Broken\n  desc: x\n  condition: evt.type=open and (\n  output: x\n  priority: INFO\n";
  const vigil::Status st = (*d)->reload();
  REQUIRE_FALSE(st.ok());
  INFO(st.error().to_string());
  CHECK(st.error().file == rules);
  CHECK(st.error().line == 8);  // the condition of the broken rule
  CHECK(st.error().column > 0);
  CHECK(st.error().message.find("reload refused") != std::string::npos);
  CHECK((*d)->failed_reloads() == 1);
  CHECK((*d)->reloads() == 0);
  // A broken configuration is refused the same way.
  std::ofstream(dir + "/vigil.yaml", std::ios::app) << "priority: loud\n";
  const vigil::Status bad_config = (*d)->reload();
  REQUIRE_FALSE(bad_config.ok());
  CHECK(bad_config.error().file == dir + "/vigil.yaml");
  CHECK((*d)->failed_reloads() == 2);
  replay(**d, inspector, [](size_t) {});
  REQUIRE((*d)->close().ok());
  CHECK(count(slurp(alerts), "closed /etc/ld.so.cache") == 1);
  CHECK((*d)->engine().rules().size() == 1);
}

TEST_CASE("a reload applies a changed configuration: outputs, priority and -o overrides again") {
  const std::string dir = vigil::test::temp_dir();
  const std::string rules = dir + "/rules.yaml";
  std::ofstream(rules) << rule("Any open", "evt.type=open and fd.name!=''", "opened %fd.name");
  const std::string first = dir + "/first.txt";
  const std::string second = dir + "/second.txt";
  const std::string config = write_config(dir, rules, first);
  vigil::inspect::Inspector inspector;
  DetectorOptions o{.config_file = config, .overrides = {"json_output=true"}};
  auto d = Detector::create(inspector.fields(), o);
  REQUIRE(d.ok());
  CHECK((*d)->watched_paths() == std::vector<std::string>{config, rules});
  write_config(dir, rules, second);
  REQUIRE((*d)->reload().ok());
  CHECK((*d)->config().file_output.filename == second);
  CHECK((*d)->config().format.json_output);  // the override applies again
  replay(**d, inspector, [](size_t) {});
  REQUIRE((*d)->close().ok());
  CHECK_FALSE(fs::exists(first));
  CHECK(count(slurp(second), "\"rule\":\"Any open\"") == 4);
}

TEST_CASE("the config watcher reports writes, replacements and deletions of watched files only") {
  const std::string dir = vigil::test::temp_dir();
  fs::create_directories(dir + "/rules.d");
  const std::string config = dir + "/vigil.yaml";
  std::ofstream(config) << "priority: debug\n";
  ConfigWatcher w;
  REQUIRE(w.watch({config, dir + "/rules.d", dir + "/not-yet.yaml"}).ok());
  CHECK_FALSE(w.changed());
  std::ofstream(dir + "/unrelated.yaml") << "x: 1\n";
  std::ofstream(dir + "/rules.d/notes.txt") << "x\n";
  CHECK_FALSE(w.changed());
  std::ofstream(config) << "priority: info\n";  // written in place
  CHECK(w.changed());
  CHECK_FALSE(w.changed());
  std::ofstream(dir + "/new.tmp") << "priority: notice\n";
  fs::rename(dir + "/new.tmp", config);  // an editor's atomic replace
  CHECK(w.changed());
  std::ofstream(dir + "/rules.d/extra.yaml") << "- list: x\n  items: []\n";
  CHECK(w.changed());
  fs::remove(dir + "/rules.d/extra.yaml");
  CHECK(w.changed());
  std::ofstream(dir + "/not-yet.yaml") << "- list: y\n  items: []\n";  // created after watch()
  CHECK(w.changed());
  CHECK_FALSE(w.changed());
}

TEST_CASE("the config watcher names a path whose directory does not exist") {
  ConfigWatcher w;
  const vigil::Status st = w.watch({"/nonexistent-vigil-dir/vigil.yaml"});
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().file == "/nonexistent-vigil-dir");
}

TEST_CASE("syslog with no daemon fails once, then counts alerts as dropped without retrying each") {
  const std::string dir = vigil::test::temp_dir();
  std::vector<std::string> errors;
  std::mutex mu;
  OutputsOptions oo;
  oo.on_error = [&](const std::string& sink, const vigil::Error& e) {
    std::lock_guard lk(mu);
    errors.push_back(sink + ": " + e.to_string());
  };
  Outputs outputs(oo);
  outputs.add_sink("syslog", make_syslog_sink({.socket_path = dir + "/log"}));
  Alert a;
  a.rule = "r";
  a.priority = Priority::Warning;
  a.text = "t";
  for (int i = 0; i < 50; ++i) outputs.send(a);
  REQUIRE(outputs.flush().ok());
  const OutputsStats st = outputs.stats();
  REQUIRE(st.sinks.size() == 1);
  CHECK(st.sinks[0].failed == 1);
  CHECK(st.sinks[0].dropped == 49);
  CHECK(st.sinks[0].sent == 0);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find(dir + "/log") != std::string::npos);
  CHECK(errors[0].find("dropped and counted") != std::string::npos);
  // reopen (SIGUSR1) tries again at once.
  outputs.reopen();
  outputs.send(a);
  REQUIRE(outputs.flush().ok());
  CHECK(outputs.stats().sinks[0].failed == 2);
}
