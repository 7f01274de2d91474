// The benign workload: the ordinary activity of a build machine, which must trigger nothing.
// Builds a two-file C program with make in a temporary directory, runs its one test, and lists
// the installed packages with dpkg-query.
#include <algorithm>

#include "files.h"
#include "process.h"
#include "scenario.h"

namespace vigil::scenarios {
namespace {

constexpr milliseconds kBuildTimeout{60000};  // a compiler on a loaded machine can be slow

constexpr std::string_view kGreetH = "#pragma once\nvoid greet(const char* who);\n";
constexpr std::string_view kGreetC =
    "#include <stdio.h>\n#include \"greet.h\"\nvoid greet(const char* who) { printf(\"hello, %s\\n\", who); }\n";
constexpr std::string_view kMainC =
    "#include \"greet.h\"\nint main(int argc, char** argv) { greet(argc > 1 ? argv[1] : \"nobody\"); return 0; }\n";
constexpr std::string_view kMakefile =
    "CC ?= cc\n"
    "hello: main.o greet.o\n"
    "\t$(CC) -o $@ main.o greet.o\n"
    "%.o: %.c greet.h\n"
    "\t$(CC) -O1 -Wall -c -o $@ $<\n"
    "check: hello\n"
    "\t./hello world > out.txt\n"
    "\ttest \"$$(cat out.txt)\" = \"hello, world\"\n"
    "\t@echo 'check: 1 test passed'\n"
    ".PHONY: check\n";

Status run_logged(const Command& command, const std::string& log, Report& report) {
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());
  const std::string what = command.argv.size() > 1 ? command.argv[0] + " " + command.argv.back() : command.argv[0];
  if (Status s = check_exit(child->wait(command.timeout), what); !s) {
    Result<std::string> text = read_file(log);
    return Error{s.error().message + (text ? "; output:\n" + *text : "")};
  }
  return {};
}

}  // namespace

Status run_benign(Report& report) {
  Result<std::string> make = find_program({"/usr/bin/make", "/bin/make"});
  if (!make) return Error{"make is missing (install build-essential): " + make.error().message};
  Result<std::string> dpkg_query = find_program({"/usr/bin/dpkg-query", "/bin/dpkg-query"});
  if (!dpkg_query) return dpkg_query.error();
  Result<TempDir> dir = TempDir::create("vigil-benign");
  if (!dir) return dir.error();
  SCENARIO_TRY(write_new_file(*dir / "greet.h", kGreetH, 0644));
  SCENARIO_TRY(write_new_file(*dir / "greet.c", kGreetC, 0644));
  SCENARIO_TRY(write_new_file(*dir / "main.c", kMainC, 0644));
  SCENARIO_TRY(write_new_file(*dir / "Makefile", kMakefile, 0644));

  const std::string log = *dir / "make.log";
  const std::vector<std::string> env = {"TMPDIR=" + dir->path(), "MAKEFLAGS=", "MFLAGS="};
  SCENARIO_TRY(run_logged({.program = *make, .argv = {"make", "-C", dir->path(), "hello"}, .env = env,
                           .stdout_path = log, .stderr_path = log, .timeout = kBuildTimeout},
                          log, report));
  report.did("built a two-file C program with make");
  SCENARIO_TRY(run_logged({.program = *make, .argv = {"make", "-C", dir->path(), "check"}, .env = env,
                           .stdout_path = log, .stderr_path = log, .timeout = kBuildTimeout},
                          log, report));
  report.did("ran its test suite (1 test passed)");

  const std::string packages = *dir / "packages";
  SCENARIO_TRY(run_logged({.program = *dpkg_query, .argv = {"dpkg-query", "-W", "-f", "${Package}\\n"},
                           .stdout_path = packages, .stderr_path = packages},
                          packages, report));
  Result<std::string> list = read_file(packages);
  if (!list) return list.error();
  report.did("listed " + std::to_string(std::count(list->begin(), list->end(), '\n')) +
             " installed packages with dpkg-query");
  return {};
}

}  // namespace vigil::scenarios
