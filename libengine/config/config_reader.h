// Typed reading of a YAML document with located errors: the machinery behind load_config_*.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/engine/priority.h"

namespace vigil::engine::config {

// Reads values out of a document, remembering the first error and collecting warnings. Every
// read names the node's path ("file_output.enabled") so errors point at the file position, or
// at the -o option when an override put the value there.
class ConfigReader {
 public:
  using Handler = std::function<void(const YAML::Node& value, const std::string& path)>;

  // `key_files`: top-level keys that came from another file than `file` (config_files).
  ConfigReader(std::string file, std::vector<std::pair<std::string, std::string>> overrides,
               std::map<std::string, std::string> key_files = {})
      : file_(std::move(file)), overrides_(std::move(overrides)), key_files_(std::move(key_files)) {}

  // Calls the handler of each key of `map`; unknown keys become warnings unless in `ignored`.
  void read_map(const YAML::Node& map, const std::string& path, const std::map<std::string, Handler>& handlers,
                const std::set<std::string>& ignored = {});

  void read(const YAML::Node& n, const std::string& path, bool& out);
  void read(const YAML::Node& n, const std::string& path, std::string& out);
  void read(const YAML::Node& n, const std::string& path, double& out, double min = 0);
  // Integers within [min, max].
  void read_int(const YAML::Node& n, const std::string& path, long long& out, long long min, long long max);
  template <typename T>
  void read_uint(const YAML::Node& n, const std::string& path, T& out, long long max) {
    long long v = static_cast<long long>(out);
    read_int(n, path, v, 0, max);
    out = static_cast<T>(v);
  }
  void read(const YAML::Node& n, const std::string& path, Priority& out);
  // A list of strings; a single string is a list of one.
  void read(const YAML::Node& n, const std::string& path, std::vector<std::string>& out);
  // One of `names` (case-insensitive); out receives its index.
  void read_choice(const YAML::Node& n, const std::string& path, const std::vector<std::string>& names, size_t& out);

  void fail(const YAML::Node& n, const std::string& path, const std::string& message);
  void warn(const YAML::Node& n, const std::string& path, const std::string& message);
  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }
  std::vector<std::string>& warnings() { return warnings_; }

  static std::string child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string item(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

 private:
  Error located(const YAML::Node& n, const std::string& path, const std::string& message) const;
  bool scalar(const YAML::Node& n, const std::string& path, const char* what);

  std::string file_;
  std::vector<std::pair<std::string, std::string>> overrides_;  // normalised path, option text
  std::map<std::string, std::string> key_files_;
  std::optional<Error> error_;
  std::vector<std::string> warnings_;
};

}  // namespace vigil::engine::config
