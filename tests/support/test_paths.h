// Where tests find their inputs: ../shared (captures, rules, docs), the source tree and the build.
#pragma once
#include <string>

namespace vigil::test {
std::string shared_dir();                          // ../shared of the source tree
std::string shared_path(const std::string& rel);   // shared_dir() + "/" + rel
std::string capture_path(const std::string& name); // shared/captures/NAME
std::string source_path(const std::string& rel);   // the repository
std::string binary_path(const std::string& rel);   // the build tree
std::string temp_dir();                            // a fresh directory, removed at exit
}  // namespace vigil::test
