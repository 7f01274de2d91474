// vigil --print FILTER: the trailing condition selects the same events sysdig's filter does.
#include "cli_support.h"

using namespace vigil::test;

namespace {

size_t sysdig_count(const std::string& capture, const std::string& filter) {
  const CliRun r = run_cli("sysdig -r " + capture + " -p '%evt.num' " + shell_quote(filter));
  REQUIRE(r.status == 0);
  return line_count(r.out);
}

size_t vigil_count(const std::string& capture, const std::string& mode, const std::string& filter) {
  const CliRun r = run_cli(vigil_cli() + " -e " + capture + " " + mode + " -p '%evt.num' " + shell_quote(filter));
  REQUIRE(r.status == 0);
  return line_count(r.out);
}

}  // namespace

// Rules (and so the filter) see one event per syscall, at exit: sysdig's exit events.
TEST_CASE("vigil --print FILTER selects the events sysdig selects with the same filter") {
  struct Case {
    const char* capture;
    const char* filter;
  };
  for (const Case& c : {Case{"cat_write.scap", "evt.type=open"},
                        Case{"cat_write.scap", "evt.type=open and fd.name contains /etc"},
                        Case{"cat_write.scap", "proc.name=cat and evt.type in (read, write)"},
                        Case{"open-multiple-files.scap", "evt.type=open and fd.name startswith /tmp/file-1"},
                        Case{"connect_localhost.scap", "evt.type=connect and fd.sport=80"}}) {
    const std::string capture = capture_path(c.capture);
    const std::string filter = c.filter;
    INFO(c.capture << ": " << filter);
    const size_t expected = sysdig_count(capture, filter + " and evt.dir=<");
    CHECK(expected > 0);
    CHECK(vigil_count(capture, "--raw", filter) == expected);
    CHECK(vigil_count(capture, "", filter) == expected);
  }
}

TEST_CASE("vigil --print FILTER prints the selected events with the inspector's state") {
  const CliRun r = run_cli(vigil_cli() + " -e " + capture_path("cat_write.scap") +
                           " -p '%proc.name %fd.name %evt.type' evt.type=open and proc.name=cat");
  CHECK(r.status == 0);
  CHECK(line_count(r.out) == 4);
  CHECK(lines_containing(r.out, "cat /") == 4);
  // Parameters with fds show the fd's name, as sysdig does.
  const CliRun args = run_cli(vigil_cli() + " -e " + capture_path("cat_write.scap") +
                              " -p '%evt.args' 'evt.type=read and proc.name=cat'");
  CHECK(args.out.find("fd=3(<f>") != std::string::npos);
}

TEST_CASE("vigil rejects a filter it cannot compile with exit code 2, naming the problem") {
  const CliRun r = run_cli(vigil_cli() + " -e " + capture_path("cat_write.scap") + " --print 'proc.nonexistent=1'", true);
  CHECK(r.status == 2);
  CHECK(r.out.find("invalid filter 'proc.nonexistent=1'") != std::string::npos);
  CHECK(r.out.find("nonexistent") != std::string::npos);
  const CliRun stray = run_cli(vigil_cli() + " -e " + capture_path("cat_write.scap") + " evt.type=open", true);
  CHECK(stray.status == 2);
}
