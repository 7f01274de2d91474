// vigil as a detector on captures: rules in, Falco-shaped alerts out, Falco's flags and exit codes.
#include <regex>

#include "cli_support.h"

using namespace vigil::test;

namespace {

// Alerts per rule name in --json output.
size_t json_alerts(const std::string& out, const std::string& rule) {
  return lines_containing(out, "\"rule\":\"" + rule + "\"");
}

}  // namespace

TEST_CASE("vigil replays a capture through a rules file and prints Falco's text alerts") {
  const CliRun r = run_cli(vigil_cli() + " -r " + peer_rules("rule_names_with_spaces.yaml") + " -e " +
                           capture_path("cat_write.scap"));
  CHECK(r.status == 0);
  CHECK(line_count(r.out) == 4);
  CHECK(lines_containing(r.out, ": Warning An open was seen (command=cat ") == 4);
  // Falco's default time prefix: HH:MM:SS.nnnnnnnnn.
  CHECK(std::regex_search(r.out, std::regex("^[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}: Warning ")));
}

TEST_CASE("vigil prints a summary of events and alerts per rule on stderr") {
  const CliRun r = run_cli("{ " + vigil_cli() + " -r " + peer_rules("rule_names_with_spaces.yaml") + " -e " +
                           capture_path("cat_write.scap") + " 2>&1 >/dev/null; }");
  CHECK(r.status == 0);
  CHECK(r.out.find("4 alerts") != std::string::npos);
  CHECK(r.out.find("   WARNING: 4") != std::string::npos);
  CHECK(r.out.find("   Open From Cat: 4") != std::string::npos);
}

TEST_CASE("vigil --json prints one Falco-shaped JSON alert per line") {
  for (const char* flag : {"--json", "-o json_output=true"}) {
    const CliRun r = run_cli(vigil_cli() + " " + flag + " -r " + peer_rules("single_rule_with_tags.yaml") + " -e " +
                             capture_path("cat_write.scap"));
    CHECK(r.status == 0);
    REQUIRE(line_count(r.out) == 4);
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      CHECK(line.front() == '{');
      CHECK(line.back() == '}');
      for (const char* key : {"\"hostname\":", "\"output\":", "\"output_fields\":", "\"priority\":\"Warning\"",
                              "\"rule\":\"open_from_cat\"", "\"source\":\"syscall\"", "\"tags\":[", "\"time\":\"2016-"})
        CHECK(line.find(key) != std::string::npos);
      CHECK(line.find("\"proc.cmdline\":\"cat ") != std::string::npos);
    }
  }
}

TEST_CASE("vigil -r takes a directory and loads every rules file in it") {
  const std::string dir = temp_dir();
  REQUIRE(run_cli("cp " + peer_rules("single_rule.yaml") + " " + peer_rules("rule_names_with_spaces.yaml") + " " +
                  dir + "/").status == 0);
  const CliRun r = run_cli(vigil_cli() + " --json -o rule_matching=all -r " + dir + " -e " +
                           capture_path("cat_write.scap"));
  CHECK(r.status == 0);
  CHECK(json_alerts(r.out, "open_from_cat") == 4);
  CHECK(json_alerts(r.out, "Open From Cat") == 4);
}

TEST_CASE("vigil -D disables rules by wildcard name and -o priority drops less severe rules") {
  const std::string cmd = vigil_cli() + " -r " + peer_rules("single_rule.yaml") + " -e " + capture_path("cat_write.scap");
  CHECK(line_count(run_cli(cmd).out) == 4);
  CHECK(line_count(run_cli(cmd + " -D open_from_cat").out) == 0);
  CHECK(line_count(run_cli(cmd + " -D 'open_*'").out) == 0);
  CHECK(line_count(run_cli(cmd + " -D open_from").out) == 4);  // a pattern, not a substring
  CHECK(line_count(run_cli(cmd + " -o priority=error").out) == 0);
  CHECK(line_count(run_cli(cmd + " -o priority=warning").out) == 4);
  CHECK(line_count(run_cli(cmd + " -A").out) == 4);
}

TEST_CASE("vigil -T and -t select rules by tag like current Falco") {
  const std::string cmd = vigil_cli() + " --json -r " + peer_rules("tagged_rules.yaml") + " -e " +
                          capture_path("open-multiple-files.scap");
  const CliRun all = run_cli(cmd);
  CHECK(all.status == 0);
  CHECK(json_alerts(all.out, "open_1") == 1);

  const CliRun no_b = run_cli(cmd + " -T b");
  CHECK(line_count(no_b.out) == 7);
  for (const char* rule : {"open_1", "open_11", "open_12", "open_13", "open_3", "open_5", "open_9"})
    CHECK(json_alerts(no_b.out, rule) == 1);
  CHECK(json_alerts(no_b.out, "open_2") == 0);

  const CliRun only_a = run_cli(cmd + " -t a");
  CHECK(line_count(only_a.out) == 7);
  for (const char* rule : {"open_1", "open_10", "open_4", "open_5", "open_7", "open_8", "open_9"})
    CHECK(json_alerts(only_a.out, rule) == 1);

  CHECK(line_count(run_cli(cmd + " -T a -T b -T c").out) == 3);
}

TEST_CASE("vigil fails with exit code 1 when a rules file does not load, naming the file and line") {
  const CliRun r = run_cli(vigil_cli() + " -r " + peer_rules("invalid_yaml_parse_error.yaml") + " -e " +
                           capture_path("cat_write.scap"), true);
  CHECK(r.status == 1);
  CHECK(r.out.find("invalid_yaml_parse_error.yaml:") != std::string::npos);
  const CliRun missing = run_cli(vigil_cli() + " -r " + temp_dir() + "/nope.yaml -e " + capture_path("cat_write.scap"), true);
  CHECK(missing.status == 1);
  CHECK(missing.out.find("nope.yaml") != std::string::npos);
}

TEST_CASE("vigil -V validates rules files and locates errors by file, line and column") {
  const std::string dir = temp_dir();
  const std::string bad = write_text_file(dir + "/bad.yaml",
                                          "- rule: broken\n"
                                          "  desc: d\n"
                                          "  condition: evt.type=open and proc.nonexistent=x\n"
                                          "  output: o\n"
                                          "  priority: WARNING\n");
  const CliRun text = run_cli(vigil_cli() + " -V " + bad);
  CHECK(text.status == 1);
  CHECK(text.out.find(bad + ": Invalid") != std::string::npos);
  CHECK(text.out.find(bad + ":3:") != std::string::npos);
  CHECK(text.out.find("broken") != std::string::npos);

  const CliRun json = run_cli(vigil_cli() + " -V " + bad + " --json");
  CHECK(json.status == 1);
  CHECK(json.out.find("\"successful\":false") != std::string::npos);
  CHECK(json.out.find("\"line\":3") != std::string::npos);
  CHECK(json.out.find("\"column\":") != std::string::npos);
  CHECK(json.out.find("\"item_name\":\"broken\"") != std::string::npos);

  const CliRun good = run_cli(vigil_cli() + " -V " + peer_rules("single_rule.yaml"));
  CHECK(good.status == 0);
  CHECK(good.out.find("single_rule.yaml: Ok") != std::string::npos);
}

TEST_CASE("vigil -L lists the loaded rules with their descriptions") {
  const CliRun r = run_cli(vigil_cli() + " -L -r " + peer_rules("tagged_rules.yaml"));
  CHECK(r.status == 0);
  CHECK(r.out.find("Rule ") == 0);
  for (const char* rule : {"open_1 ", "open_13 "}) CHECK(lines_containing(r.out, rule) == 1);
  const CliRun spaces = run_cli(vigil_cli() + " -L -r " + peer_rules("rule_names_with_spaces.yaml"));
  CHECK(lines_containing(spaces.out, "Open From Cat  A process named cat does an open") == 1);
}

TEST_CASE("vigil --list-fields lists the registry's fields with types and descriptions") {
  const CliRun r = run_cli(vigil_cli() + " --list-fields");
  CHECK(r.status == 0);
  for (const char* field : {"proc.name ", "fd.name ", "evt.type ", "proc.exepath ", "container.id ", "user.name "})
    CHECK(lines_containing(r.out, field) >= 1);
  CHECK(r.out.find("Field Class: proc") != std::string::npos);
  CHECK(lines_containing(r.out, "CHARBUF") > 10);
}

TEST_CASE("vigil's default rules load, validate and run on a capture") {
  const std::string rules = source_path("rules/vigil_rules.yaml");
  const CliRun v = run_cli(vigil_cli() + " -V " + rules, true);
  CHECK(v.status == 0);
  CHECK(v.out.find("warning") == std::string::npos);
  const CliRun list = run_cli(vigil_cli() + " -L");
  CHECK(lines_containing(list.out, "Sensitive file read by untrusted program") == 1);
  CHECK(line_count(list.out) >= 2 + 5);
  const CliRun replay = run_cli(vigil_cli() + " -e " + capture_path("cat_write.scap"));
  CHECK(replay.status == 0);
}

TEST_CASE("vigil -c reads a vigil.yaml and -o overrides it") {
  const std::string dir = temp_dir();
  const std::string cfg = write_text_file(dir + "/vigil.yaml",
                                          "json_output: true\nsyslog_output:\n  enabled: false\nrules_files:\n  - " +
                                              peer_rules("single_rule.yaml") + "\n");
  const std::string cmd = vigil_cli() + " -c " + cfg + " -e " + capture_path("cat_write.scap");
  const CliRun r = run_cli(cmd);
  CHECK(r.status == 0);
  CHECK(json_alerts(r.out, "open_from_cat") == 4);
  CHECK(lines_containing(run_cli(cmd + " -o json_output=false").out, ": Warning An open was seen") == 4);
  const CliRun bad = run_cli(vigil_cli() + " -c " + cfg + " -o priority=loud -e " + capture_path("cat_write.scap"), true);
  CHECK(bad.status == 1);
  CHECK(bad.out.find("priority") != std::string::npos);
}

TEST_CASE("vigil writes metrics snapshots when metrics are enabled") {
  const std::string dir = temp_dir();
  const std::string stats = dir + "/stats.jsonl";
  const std::string prom = dir + "/vigil.prom";
  const CliRun r = run_cli(vigil_cli() + " -r " + peer_rules("single_rule.yaml") + " -e " +
                           capture_path("cat_write.scap") + " -o metrics.enabled=true -o metrics.interval=1s" +
                           " -o metrics.output_file=" + stats + " -o metrics.prometheus_file=" + prom +
                           " -o metrics.output_rule=false");
  CHECK(r.status == 0);
  CHECK(line_count(r.out) == 4);
  const CliRun lines = run_cli("cat " + stats);
  REQUIRE(line_count(lines.out) >= 1);
  CHECK(lines.out.find("\"events_total\":307") != std::string::npos);
  const CliRun text = run_cli("cat " + prom);
  CHECK(text.out.find("vigil_events_total 307") != std::string::npos);
  CHECK(text.out.find("vigil_rule_matches_total{rule=\"open_from_cat\"") != std::string::npos);
}
