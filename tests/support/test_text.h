// Small text helpers shared by tests that read what vigil wrote (alerts, logs, metrics).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace vigil::test {

// The whole content of `path` ("" when it cannot be read).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// How many times `needle` occurs in `text`, overlapping occurrences included.
inline size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace vigil::test
