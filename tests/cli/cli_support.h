// Shared by the CLI tests: run the vigil binary through the shell and look at what it printed.
#pragma once

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "test_paths.h"

namespace vigil::test {

struct CliRun {
  int status = -1;
  std::string out;
};

// Runs a shell command line; stdout is captured, stderr joins it when `with_stderr`.
inline CliRun run_cli(const std::string& command, bool with_stderr = false) {
  CliRun r;
  FILE* p = popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline std::string vigil_cli() { return binary_path("examples/vigil"); }
inline std::string shell_quote(const std::string& s) { return "'" + s + "'"; }
inline std::string peer_rules(const std::string& name) { return shared_path("peer-tests/rules/" + name); }

inline size_t lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) ++n;
  return n;
}

inline size_t line_count(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

inline std::string write_text_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

}  // namespace vigil::test
