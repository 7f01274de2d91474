// vigil's outputs end to end: the CLI replays a capture with a configuration enabling each output
// and the test looks at what arrived (an HTTP receiver of its own on loopback, files, programs).
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "cli_support.h"
#include "loopback_http_server.h"
#include "test_text.h"

using vigil::test::slurp;

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// vigil on cat_write.scap with `config` as vigil.yaml (single_rule.yaml: 4 Warning alerts).
CliRun replay_with(const std::string& dir, const std::string& config, const std::string& extra = "") {
  const std::string path = write_text_file(dir + "/vigil.yaml", config);
  return run_cli(vigil_cli() + " -c " + path + " -r " + peer_rules("single_rule.yaml") + " -e " +
                     capture_path("cat_write.scap") + " " + extra,
                 false);
}

}  // namespace

TEST_CASE("vigil posts each alert to http_output as the Falco JSON that falcosidekick accepts") {
  const std::string dir = temp_dir();
  LoopbackHttpServer receiver;
  receiver.serve();
  const CliRun r = replay_with(dir, "json_output: true\nsyslog_output: {enabled: false}\n"
                                    "http_output: {enabled: true, url: \"" + receiver.url("/alerts") + "\"}\n");
  REQUIRE(r.status == 0);
  receiver.stop();
  const auto& requests = receiver.requests;
  const auto stdout_lines = lines_of(r.out);
  REQUIRE(stdout_lines.size() == 4);
  REQUIRE(requests.size() == 4);
  for (size_t i = 0; i < requests.size(); ++i) {
    INFO(requests[i].head);
    CHECK(requests[i].head.rfind("POST /alerts HTTP/1.1", 0) == 0);
    CHECK((requests[i].head.find("Content-Type: application/json") != std::string::npos ||
           requests[i].head.find("content-type: application/json") != std::string::npos));
    CHECK(requests[i].body == stdout_lines[i]);  // the same JSON alert as json_output prints
    for (const char* key : {"{\"hostname\":\"", "\"output\":\"", "\"output_fields\":{", "\"priority\":\"Warning\"",
                            "\"rule\":\"open_from_cat\"", "\"source\":\"syscall\"", "\"tags\":[", "\"time\":\""})
      CHECK(requests[i].body.find(key) != std::string::npos);
  }
}

TEST_CASE("vigil's program_output never lets alert text run as a command") {
  const std::string dir = temp_dir();
  const std::string rules = write_text_file(
      dir + "/inject.yaml",
      "- rule: Injection attempt\n  desc: output text full of shell syntax\n  condition: evt.type=open and fd.name!=''\n"
      "  output: \"x $(touch " + dir + "/p1) ; touch " + dir + "/p2 `touch " + dir + "/p3` | touch " + dir +
      "/p4 && touch " + dir + "/p5 file=%fd.name\"\n  priority: ERROR\n");
  const std::string received = dir + "/received.txt";
  for (const std::string& program :
       {"[\"/usr/bin/tee\", \"-a\", \"" + received + "\"]", "\"tee -a " + received + "\""}) {
    for (const char* keep_alive : {"false", "true"}) {
      fs::remove(received);
      const std::string cfg = write_text_file(
          dir + "/vigil.yaml", "stdout_output: {enabled: false}\nsyslog_output: {enabled: false}\n"
                               "program_output: {enabled: true, keep_alive: " + std::string(keep_alive) +
                               ", program: " + program + "}\n");
      const CliRun r = run_cli(vigil_cli() + " -c " + cfg + " -r " + rules + " -e " + capture_path("cat_write.scap"));
      INFO(program << " keep_alive " << keep_alive);
      CHECK(r.status == 0);
      const std::string text = slurp(received);
      CHECK(lines_containing(text, "Error x $(touch " + dir + "/p1) ; touch " + dir + "/p2 `touch ") == 4);
      for (const char* p : {"/p1", "/p2", "/p3", "/p4", "/p5"}) CHECK_FALSE(fs::exists(dir + p));
    }
  }
  // A program string with unquoted shell syntax is refused before anything runs.
  const std::string cfg = write_text_file(dir + "/vigil.yaml", "program_output: {enabled: true, program: \"tee x; rm y\"}\n");
  const CliRun refused = run_cli(vigil_cli() + " -c " + cfg + " -r " + rules + " -e " + capture_path("cat_write.scap"), true);
  CHECK(refused.status == 1);
  CHECK(refused.out.find("program") != std::string::npos);
}

TEST_CASE("vigil writes alerts to file_output and stdout, each with its own minimum priority") {
  const std::string dir = temp_dir();
  const std::string rules = write_text_file(
      dir + "/two.yaml",
      "- rule: Open seen\n  desc: x\n  condition: evt.type=open and fd.name!=''\n  output: open %fd.name\n"
      "  priority: NOTICE\n"
      "- rule: Close seen\n  desc: x\n  condition: evt.type=close and fd.name!=''\n  output: close %fd.name\n"
      "  priority: CRITICAL\n");
  const std::string file = dir + "/alerts.txt";
  const std::string cfg = write_text_file(
      dir + "/vigil.yaml", "syslog_output: {enabled: false}\nstdout_output: {enabled: true, priority: critical}\n"
                           "file_output: {enabled: true, filename: " + file + ", priority: notice}\n");
  const CliRun r = run_cli(vigil_cli() + " -c " + cfg + " -r " + rules + " -e " + capture_path("cat_write.scap"));
  CHECK(r.status == 0);
  CHECK(lines_containing(r.out, ": Critical close ") == 4);
  CHECK(lines_containing(r.out, ": Notice open ") == 0);
  const std::string text = slurp(file);
  CHECK(lines_containing(text, ": Critical close ") == 4);
  CHECK(lines_containing(text, ": Notice open ") == 4);
  CHECK(line_count(text) == 8);
  // Appends: a second run adds its alerts after the first run's.
  REQUIRE(run_cli(vigil_cli() + " -c " + cfg + " -r " + rules + " -e " + capture_path("cat_write.scap")).status == 0);
  CHECK(line_count(slurp(file)) == 16);
  // stdout off: nothing on stdout, the file still gets everything.
  const CliRun quiet = run_cli(vigil_cli() + " -c " + cfg + " -o stdout_output.enabled=false -r " + rules + " -e " +
                               capture_path("cat_write.scap"));
  CHECK(quiet.out.empty());
  CHECK(line_count(slurp(file)) == 24);
}

TEST_CASE("buffered_outputs false writes each alert as it comes, true batches the writes") {
  const std::string dir = temp_dir();
  auto writes_of_alerts = [&](const char* buffered) {
    const std::string file = dir + "/alerts-" + buffered + ".txt";
    const std::string trace = dir + "/strace-" + buffered + ".txt";
    const std::string cfg = write_text_file(
        dir + "/vigil.yaml", std::string("buffered_outputs: ") + buffered +
                                 "\nstdout_output: {enabled: false}\nsyslog_output: {enabled: false}\n"
                                 "file_output: {enabled: true, keep_alive: true, filename: " + file + "}\n");
    // LeakSanitizer cannot run under ptrace: the sanitize build checks leaks everywhere else.
    const CliRun r = run_cli("ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -s 200 "
                             "-e trace=write -o " + trace + " " + vigil_cli() + " -c " + cfg +
                             " -r " + peer_rules("single_rule.yaml") + " -e " + capture_path("cat_write.scap"));
    REQUIRE(r.status == 0);
    CHECK(lines_containing(slurp(file), "Warning An open was seen") == 4);
    return lines_containing(slurp(trace), "Warning An open was seen");
  };
  CHECK(writes_of_alerts("false") == 4);
  CHECK(writes_of_alerts("true") == 1);
}

TEST_CASE("syslog on by default with no syslog daemon warns once and counts the other alerts as dropped") {
  const std::string dir = temp_dir();
  const CliRun r = run_cli(vigil_cli() + " -r " + peer_rules("single_rule.yaml") + " -e " +
                               capture_path("cat_write.scap") + " -o syslog_output.socket=" + dir + "/no-log",
                           true);
  CHECK(r.status == 0);
  INFO(r.out);
  CHECK(lines_containing(r.out, "Warning An open was seen") == 4);  // stdout keeps working
  CHECK(lines_containing(r.out, "output syslog failed: " + dir + "/no-log: syslog: cannot connect") == 1);
  CHECK(lines_containing(r.out, "output syslog: 0 sent, 3 dropped, 1 failed") == 1);
}

TEST_CASE("vigil's Prometheus metrics file counts events, drops, alerts per rule, outputs and state tables") {
  const std::string dir = temp_dir();
  const std::string prom = dir + "/vigil.prom";
  const CliRun r = replay_with(dir, "syslog_output: {enabled: false}\nmetrics:\n  enabled: true\n  interval: 1s\n"
                                    "  output_rule: false\n  prometheus_file: " + prom + "\n");
  REQUIRE(r.status == 0);
  const std::string text = slurp(prom);
  INFO(text);
  for (const char* line : {"vigil_events_total 307", "vigil_drops_total 0", "vigil_alerts_total 4",
                           "vigil_output_sent_total{output=\"stdout\"} 4", "vigil_config_reloads 0"})
    CHECK(lines_containing(text, line) == 1);
  CHECK(text.find("vigil_rule_matches_total{rule=\"open_from_cat\",priority=\"Warning\",source=\"syscall\"} 4") !=
        std::string::npos);
  CHECK(text.find("vigil_state_entries{table=\"threads\"} ") != std::string::npos);
  CHECK(text.find("vigil_state_entries{table=\"fds\"} ") != std::string::npos);
}
