// Falco's append_output through the CLI: extra_output text and extra_fields from vigil.yaml or from
// -o options, seen in the alerts vigil prints for a real capture.
#include "cli_support.h"
#include "test_text.h"

using namespace vigil::test;

namespace {

// vigil on cat_write.scap with single_rule.yaml (4 Warning alerts, "An open was seen"), JSON out.
CliRun replay_json(const std::string& options) {
  return run_cli(vigil_cli() + " -r " + peer_rules("single_rule.yaml") + " -e " + capture_path("cat_write.scap") +
                 " -o json_output=true -o syslog_output.enabled=false " + options);
}

}  // namespace

TEST_CASE("append_output in vigil.yaml adds text to the matching rules and typed or formatted JSON fields") {
  const std::string dir = temp_dir();
  const std::string config = write_text_file(dir + "/vigil.yaml", R"(
append_output:
  - match:
      source: syscall
      rule: open_from_cat
    extra_output: "on CPU %evt.cpu"
    extra_fields:
      - evt.cpu
      - opened: "file %fd.name by %proc.name"
  - match:
      rule: no_such_rule
    extra_output: "never"
    extra_fields: [proc.pid]
)");
  const CliRun r = replay_json("-c " + config);
  REQUIRE(r.status == 0);
  CHECK(line_count(r.out) == 4);
  CHECK(count(r.out, "An open was seen (command=cat /dev/null) on CPU 0\",") == 4);
  // evt.cpu once, as the number it is (the output's own field and the extra field are one key).
  CHECK(count(r.out, "\"evt.cpu\":0,") == 4);
  CHECK(count(r.out, "\"evt.cpu\"") == 4);
  // The rule's four opens, each with its own file.
  CHECK(count(r.out, "\"opened\":\"file ") == 4);
  CHECK(count(r.out, "\"opened\":\"file /etc/ld.so.cache by cat\"") == 1);
  CHECK(count(r.out, "\"opened\":\"file /dev/null by cat\"") == 1);
  CHECK(count(r.out, "never") == 0);
  CHECK(count(r.out, "proc.pid") == 0);
}

TEST_CASE("append_output entries given with -o [] reach the alerts as the same entries in vigil.yaml do") {
  const CliRun r = replay_json("-o 'append_output[].match.rule=open_from_cat' "
                               "-o 'append_output[0].extra_fields[]=proc.pid' "
                               "-o 'append_output[0].extra_fields[]={cmd: \"%proc.cmdline!\"}'");
  REQUIRE(r.status == 0);
  CHECK(line_count(r.out) == 4);
  CHECK(count(r.out, "\"cmd\":\"cat /dev/null!\"") == 4);
  CHECK(count(r.out, "\"proc.pid\":") == 4);
  CHECK(count(r.out, "\"proc.pid\":\"") == 0);  // a number, not text
  CHECK(count(r.out, "An open was seen (command=cat /dev/null)\",") == 4);  // text unchanged
}

TEST_CASE("a malformed extra_fields entry stops vigil with the file, line and key") {
  const std::string dir = temp_dir();
  const std::string config = write_text_file(dir + "/vigil.yaml", "append_output:\n  - extra_fields: [[evt.cpu]]\n");
  const CliRun r = run_cli(vigil_cli() + " -c " + config + " -r " + peer_rules("single_rule.yaml") + " -e " +
                               capture_path("cat_write.scap"),
                           true);
  CHECK(r.status != 0);
  CHECK(r.out.find(config + ":2:20: append_output[0].extra_fields[0]: expected a field name or a one-key map "
                            "{name: format}") != std::string::npos);
}

TEST_CASE("an extra field naming an unknown field fails the rules load naming the field") {
  const CliRun r = run_cli(vigil_cli() + " -r " + peer_rules("single_rule.yaml") + " -e " +
                               capture_path("cat_write.scap") + " -o 'append_output[].extra_fields[]=proc.nosuch'",
                           true);
  CHECK(r.status != 0);
  CHECK(r.out.find("extra output field 'proc.nosuch'") != std::string::npos);
}
