#include "config/config_reader.h"

#include <cctype>
#include <charconv>

namespace vigil::engine::config {

namespace {

bool is_within(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Error ConfigReader::located(const YAML::Node& n, const std::string& path, const std::string& message) const {
  // The last override touching this path wins, as it was applied last.
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (is_within(path, it->first) || is_within(it->first, path)) {
      return Error{path + ": " + message, "-o " + it->second};
    }
  }
  std::string file = file_;
  auto from = key_files_.find(path.substr(0, path.find_first_of(".[")));
  if (from != key_files_.end()) file = from->second;
  Error e{path.empty() ? message : path + ": " + message, file};
  YAML::Mark m = n.IsDefined() ? n.Mark() : YAML::Mark::null_mark();
  if (m.line >= 0) {
    e.line = static_cast<uint32_t>(m.line + 1);
    e.column = static_cast<uint32_t>(m.column + 1);
  }
  return e;
}

void ConfigReader::fail(const YAML::Node& n, const std::string& path, const std::string& message) {
  if (!error_) error_ = located(n, path, message);
}

void ConfigReader::warn(const YAML::Node& n, const std::string& path, const std::string& message) {
  warnings_.push_back(located(n, path, message).to_string());
}

bool ConfigReader::scalar(const YAML::Node& n, const std::string& path, const char* what) {
  if (n.IsScalar()) return true;
  fail(n, path, std::string("expected ") + what);
  return false;
}

void ConfigReader::read_map(const YAML::Node& map, const std::string& path,
                            const std::map<std::string, Handler>& handlers, const std::set<std::string>& ignored) {
  if (map.IsNull()) return;  // "section:" with nothing under it keeps the defaults
  if (!map.IsMap()) return fail(map, path, "expected a map");
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      fail(it->first, path, "keys must be strings");
      return;
    }
    std::string key = it->first.Scalar();
    auto h = handlers.find(key);
    if (h != handlers.end()) {
      h->second(it->second, child(path, key));
    } else if (!ignored.count(key)) {
      warn(it->first, child(path, key), "unknown key, ignored");
    }
    if (error_) return;
  }
}

void ConfigReader::read(const YAML::Node& n, const std::string& path, bool& out) {
  if (!scalar(n, path, "true or false")) return;
  std::string v = lower(n.Scalar());
  if (v == "true" || v == "yes" || v == "on") {
    out = true;
  } else if (v == "false" || v == "no" || v == "off") {
    out = false;
  } else {
    fail(n, path, "expected true or false, got '" + n.Scalar() + "'");
  }
}

void ConfigReader::read(const YAML::Node& n, const std::string& path, std::string& out) {
  if (n.IsNull()) {
    out.clear();
    return;
  }
  if (scalar(n, path, "a string")) out = n.Scalar();
}

void ConfigReader::read(const YAML::Node& n, const std::string& path, double& out, double min) {
  if (!scalar(n, path, "a number")) return;
  const std::string& s = n.Scalar();
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return fail(n, path, "expected a number, got '" + s + "'");
  if (v < min) return fail(n, path, "must be at least " + std::to_string(min));
  out = v;
}

void ConfigReader::read_int(const YAML::Node& n, const std::string& path, long long& out, long long min,
                            long long max) {
  if (!scalar(n, path, "an integer")) return;
  const std::string& s = n.Scalar();
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return fail(n, path, "expected an integer, got '" + s + "'");
  if (v < min || v > max) {
    return fail(n, path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = v;
}

void ConfigReader::read(const YAML::Node& n, const std::string& path, Priority& out) {
  if (!scalar(n, path, "a priority")) return;
  auto p = parse_priority(n.Scalar());
  if (!p) {
    return fail(n, path,
                "unknown priority '" + n.Scalar() +
                    "' (emergency, alert, critical, error, warning, notice, informational, debug)");
  }
  out = *p;
}

void ConfigReader::read(const YAML::Node& n, const std::string& path, std::vector<std::string>& out) {
  if (n.IsNull()) {
    out.clear();
    return;
  }
  if (n.IsScalar()) {
    out = {n.Scalar()};
    return;
  }
  if (!n.IsSequence()) return fail(n, path, "expected a list of strings");
  std::vector<std::string> v;
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) return fail(n[i], item(path, i), "expected a string");
    v.push_back(n[i].Scalar());
  }
  out = std::move(v);
}

void ConfigReader::read_choice(const YAML::Node& n, const std::string& path, const std::vector<std::string>& names,
                               size_t& out) {
  if (!scalar(n, path, "a string")) return;
  std::string v = lower(n.Scalar());
  for (size_t i = 0; i < names.size(); ++i) {
    if (v == names[i]) {
      out = i;
      return;
    }
  }
  std::string all;
  for (auto& name : names) all += (all.empty() ? "" : ", ") + name;
  fail(n, path, "unknown value '" + n.Scalar() + "' (expected one of: " + all + ")");
}

}  // namespace vigil::engine::config
