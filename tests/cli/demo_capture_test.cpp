// The bundled demo capture (examples/demo_capture, written at build time): a synthetic attack
// on a made-up host that scripts/run.sh replays where live capture is impossible. It must raise
// exactly the alerts its story is written for, read like a real capture in vigil and in
// sysdig 0.29.3, and come out byte for byte the same on every build.
#include <map>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "test_text.h"

using namespace vigil::test;

namespace {

std::string demo_capture() { return binary_path("examples/demo_capture/demo.scap"); }
std::string demo_generator() { return binary_path("examples/demo_capture/vigil-demo-capture"); }
std::string official_rules(const std::string& name) { return shared_path("rules/falco/" + name); }

using RuleCounts = std::map<std::string, size_t>;

// Counts as "rule: count" lines, so that a failed comparison shows which rule differs.
std::string as_text(const RuleCounts& counts) {
  std::string out;
  for (const auto& [rule, n] : counts) out += rule + ": " + std::to_string(n) + "\n";
  return out;
}

// Alerts per rule of a --json detection run.
std::string rule_counts(const std::string& json_lines) {
  RuleCounts counts;
  std::istringstream in(json_lines);
  for (std::string line; std::getline(in, line);) ++counts[nlohmann::json::parse(line).at("rule").get<std::string>()];
  return as_text(counts);
}

CliRun detect(const std::string& rules_args, const std::string& capture) {
  return run_cli(vigil_cli() + " --json" + rules_args + " -e " + shell_quote(capture));
}

// The alerts of --json output whose rule is `rule`, parsed.
std::vector<nlohmann::json> alerts_of(const std::string& json_lines, const std::string& rule) {
  std::vector<nlohmann::json> out;
  std::istringstream in(json_lines);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json alert = nlohmann::json::parse(line);
    if (alert.at("rule") == rule) out.push_back(std::move(alert));
  }
  return out;
}

// Runs the generator into `path` and returns how many event records it reports having written.
uint64_t generate(const std::string& path, const std::string& flags = "") {
  const CliRun r = run_cli(demo_generator() + " " + flags + " " + shell_quote(path), true);
  REQUIRE(r.status == 0);
  // "...: 13 processes, 147 events written (...)"
  const size_t end = r.out.find(" events written");
  REQUIRE(end != std::string::npos);
  const size_t start = r.out.rfind(' ', end - 1) + 1;
  return std::stoull(r.out.substr(start, end - start));
}

// What the story is written to raise with rules/vigil_rules.yaml.
const RuleCounts kDefaultRuleAlerts = {
    {"Shell spawned by a service", 2},                   // nginx worker -> sh, twice
    {"System binary network connection", 1},             // bash's /dev/tcp connect
    {"Redirect STDOUT/STDIN to network connection", 3},  // the socket onto stdout, stderr, stdin
    {"Reverse shell with network standard streams", 1},  // python3 started on the socket
    {"Sensitive file read by untrusted program", 1},     // cat /etc/ssh/../shadow as root
    {"Symlink created over sensitive file", 1},          // ln -s /etc/shadow /var/tmp/.font-cache
    {"File written below /etc", 1},                      // >> /etc/crontab
    {"Clear log activities", 1},                         // : > /var/log/auth.log
    {"Netcat remote code execution", 1},                 // nc -e /bin/sh
    {"Interactive shell in container", 1},               // docker exec -it shop-api sh
};

}  // namespace

TEST_CASE("The demo capture raises exactly the alerts its story is written for with the default rules") {
  const CliRun r = detect("", demo_capture());
  REQUIRE(r.status == 0);
  CHECK(rule_counts(r.out) == as_text(kDefaultRuleAlerts));
  // The benign look-alikes stay quiet: logrotate truncating an nginx log, sshd reading
  // /etc/shadow, sudo reading /etc/sudoers, the admin's own commands.
  for (const char* process : {"logrotate", "sshd", "sudo", "ls", "tail"})
    CHECK(r.out.find("\"proc.name\":\"" + std::string(process) + "\"") == std::string::npos);
}

TEST_CASE("The demo capture's alerts name the processes and users and the container of its story") {
  const CliRun r = detect("", demo_capture());
  REQUIRE(r.status == 0);

  const auto shells = alerts_of(r.out, "Shell spawned by a service");
  REQUIRE(shells.size() == 2);
  for (const auto& alert : shells) {
    CHECK(alert["output_fields"]["proc.pname"] == "nginx");
    CHECK(alert["output_fields"]["proc.pexepath"] == "/usr/sbin/nginx");
    CHECK(alert["output_fields"]["user.name"] == "www-data");
    CHECK(alert["output_fields"]["proc.exepath"] == "/usr/bin/dash");
  }

  const auto reverse = alerts_of(r.out, "Reverse shell with network standard streams");
  REQUIRE(reverse.size() == 1);
  CHECK(reverse[0]["output_fields"]["proc.stdin.name"] == "10.0.2.15:49822->198.51.100.23:4444");
  CHECK(reverse[0]["output_fields"]["proc.exepath"] == "/usr/bin/python3.11");

  const auto shadow = alerts_of(r.out, "Sensitive file read by untrusted program");
  REQUIRE(shadow.size() == 1);
  CHECK(shadow[0]["output_fields"]["fd.name"] == "/etc/shadow");
  CHECK(shadow[0]["output_fields"]["user.name"] == "root");
  CHECK(shadow[0]["output_fields"]["proc.cmdline"] == "cat /etc/ssh/../shadow");

  const auto log = alerts_of(r.out, "Clear log activities");
  REQUIRE(log.size() == 1);
  CHECK(log[0]["output_fields"]["fd.name"] == "/var/log/auth.log");

  const auto container = alerts_of(r.out, "Interactive shell in container");
  REQUIRE(container.size() == 1);
  CHECK(container[0]["output_fields"]["container.id"] == "4f2a9c1b7e3d");
  CHECK(container[0]["output_fields"]["proc.tty"] == 34816);
  CHECK(container[0]["time"].get<std::string>().starts_with("2025-03-04T09:30:"));
}

TEST_CASE("The demo capture loads and runs with each official Falco rules file and with all three") {
  const std::string falco = " -r " + official_rules("falco_rules.yaml");
  const std::string incubating = " -r " + official_rules("falco-incubating_rules.yaml");
  const std::string sandbox = " -r " + official_rules("falco-sandbox_rules.yaml");

  const CliRun stable = detect(falco, demo_capture());
  REQUIRE(stable.status == 0);
  CHECK(rule_counts(stable.out) == as_text({{"Clear Log Activities", 1},
                                            {"Create Symlink Over Sensitive Files", 1},
                                            {"Read sensitive file untrusted", 1},
                                            {"Run shell untrusted", 4},
                                            {"Terminal shell in container", 1}}));

  const CliRun incubating_only = detect(incubating, demo_capture());
  REQUIRE(incubating_only.status == 0);
  CHECK(rule_counts(incubating_only.out) == as_text({{"Launch Suspicious Network Tool on Host", 1},
                                                     {"Schedule Cron Jobs", 1},
                                                     {"System procs network activity", 1}}));

  const CliRun sandbox_only = detect(sandbox, demo_capture());
  REQUIRE(sandbox_only.status == 0);
  CHECK(rule_counts(sandbox_only.out) == as_text({{"Netcat/Socat Remote Code Execution on Host", 1},
                                                  {"Web Server Spawned Shell", 3},
                                                  {"Web Server Spawned Suspicious Child Process", 3},
                                                  {"Write below etc", 1}}));

  // Together, with Falco's default first-match, an event raises the first rule (in load order)
  // it matches: the sandbox's web-server and /etc rules lose the events the others took.
  const CliRun all = detect(falco + incubating + sandbox, demo_capture());
  REQUIRE(all.status == 0);
  CHECK(rule_counts(all.out) == as_text({{"Clear Log Activities", 1},
                                         {"Create Symlink Over Sensitive Files", 1},
                                         {"Launch Suspicious Network Tool on Host", 1},
                                         {"Read sensitive file untrusted", 1},
                                         {"Run shell untrusted", 4},
                                         {"Schedule Cron Jobs", 1},
                                         {"System procs network activity", 1},
                                         {"Terminal shell in container", 1},
                                         {"Web Server Spawned Shell", 1},
                                         {"Web Server Spawned Suspicious Child Process", 3}}));
}

TEST_CASE("vigil --print shows every event of the demo capture, one exit event per system call") {
  const std::string dir = temp_dir();
  const uint64_t written = generate(dir + "/demo.scap");
  REQUIRE(written > 100);

  const CliRun r = run_cli(vigil_cli() + " -e " + shell_quote(demo_capture()) + " --print", true);
  CHECK(r.status == 0);
  CHECK(line_count(r.out) == written);  // and nothing on stderr: no skipped or undecodable record
  CHECK(lines_containing(r.out, " (") == written);

  // As the live driver writes them: exit events only, apart from the procexit tracepoint.
  const CliRun dirs = run_cli(vigil_cli() + " -e " + shell_quote(demo_capture()) + " -p '%evt.dir %evt.type'");
  CHECK(line_count(dirs.out) == written);
  CHECK(lines_containing(dirs.out, "< ") + lines_containing(dirs.out, "> procexit") == written);
  CHECK(lines_containing(dirs.out, "> procexit") == 12);

  // Gzip-compressed (-z), the same events.
  generate(dir + "/demo.scap.gz", "-z");
  CHECK(slurp(dir + "/demo.scap.gz").starts_with("\x1f\x8b"));
  CHECK(line_count(run_cli(vigil_cli() + " -e " + shell_quote(dir + "/demo.scap.gz") + " --print").out) == written);

  // The story's host, as the metadata describes it.
  const CliRun hosts = run_cli(vigil_cli() + " -e " + shell_quote(demo_capture()) +
                               " -p '%proc.name %user.name %container.id' 'evt.type=execve and proc.name=sh'");
  CHECK(hosts.out == "sh www-data host\nsh www-data host\nsh root 4f2a9c1b7e3d\n");
}

TEST_CASE("The sysdig-compatible demo capture reads in sysdig 0.29.3 with every event") {
  const std::string dir = temp_dir();
  const std::string newest = dir + "/demo.scap", compat = dir + "/demo-sysdig.scap";
  const uint64_t events = generate(newest);
  const uint64_t records = generate(compat, "--sysdig-compat");
  // Every syscall exit gets its 2022 enter event back, except the child's side of a clone (the
  // child never entered the call) and procexit (an enter-only tracepoint).
  const CliRun exits = run_cli(vigil_cli() + " -e " + shell_quote(newest) +
                               " --print 'evt.type!=procexit and not (evt.type=clone and evt.rawres=0)'");
  CHECK(records == events + line_count(exits.out));

  const CliRun sysdig = run_cli("sysdig -r " + shell_quote(compat));
  REQUIRE(sysdig.status == 0);
  CHECK(line_count(sysdig.out) == records);
  const CliRun sysdig_exits = run_cli("sysdig -r " + shell_quote(compat) + " 'evt.dir=< or evt.type=procexit'");
  CHECK(line_count(sysdig_exits.out) == events);
  CHECK(line_count(run_cli(vigil_cli() + " -e " + shell_quote(compat) + " --raw --print").out) == records);

  // sysdig builds the same state from it: users from the metadata, the container from cgroups.
  const CliRun execs = run_cli("sysdig -r " + shell_quote(compat) + " -p '%proc.name %user.name %container.id'" +
                               " 'evt.type=execve and evt.dir=< and proc.name=sh'");
  CHECK(execs.out == "sh www-data host\nsh www-data host\nsh root 4f2a9c1b7e3d\n");

  // And vigil raises the same alerts from the compatible copy.
  const CliRun alerts = detect("", compat);
  REQUIRE(alerts.status == 0);
  CHECK(rule_counts(alerts.out) == as_text(kDefaultRuleAlerts));
}

TEST_CASE("vigil-demo-capture writes the same bytes on every run, the ones the build wrote") {
  const std::string dir = temp_dir();
  generate(dir + "/a.scap");
  generate(dir + "/b.scap");
  const std::string a = slurp(dir + "/a.scap");
  CHECK(a.size() > 10000);
  CHECK(a == slurp(dir + "/b.scap"));
  CHECK(a == slurp(demo_capture()));
  generate(dir + "/a-sysdig.scap", "--sysdig-compat");
  generate(dir + "/b-sysdig.scap", "--sysdig-compat");
  CHECK(slurp(dir + "/a-sysdig.scap") == slurp(dir + "/b-sysdig.scap"));
  CHECK(slurp(dir + "/a-sysdig.scap") != a);
}

TEST_CASE("vigil-demo-capture refuses a missing file argument and reports a path it cannot write") {
  CHECK(run_cli(demo_generator()).status == 2);
  CHECK(run_cli(demo_generator() + " --bogus out.scap").status == 2);
  const CliRun r = run_cli(demo_generator() + " " + temp_dir() + "/no/such/dir/demo.scap", true);
  CHECK(r.status == 1);
  CHECK(r.out.find("no/such/dir/demo.scap") != std::string::npos);
}
