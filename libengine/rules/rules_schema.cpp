#include "rules/rules_schema.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <string_view>

namespace vigil::engine::rules {
namespace {

constexpr size_t kMaxVisits = 1'000'000;  // alias-heavy documents stop here (reported as failed)
constexpr size_t kMaxProblems = 100;

enum class Kind { Null, Bool, Integer, Number, String, Sequence, Map };

bool is_integer(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i >= s.size()) return false;
  const bool hex = s.size() > i + 2 && s[i] == '0' && s[i + 1] == 'x';
  if (hex) i += 2;
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (hex ? !std::isxdigit(c) : !std::isdigit(c)) return false;
  }
  return true;
}

bool is_number(std::string_view s) {
  if (s.empty()) return false;
  char* end = nullptr;
  const std::string copy(s);
  std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

// The JSON type a YAML node becomes (plain scalars are resolved by the YAML core schema; quoted
// scalars are always strings).
Kind kind_of(const YAML::Node& n) {
  if (n.IsNull()) return Kind::Null;
  if (n.IsSequence()) return Kind::Sequence;
  if (n.IsMap()) return Kind::Map;
  if (n.Tag() == "!") return Kind::String;
  const std::string& s = n.Scalar();
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") return Kind::Bool;
  if (is_integer(s)) return Kind::Integer;
  if (is_number(s)) return Kind::Number;
  return Kind::String;
}

class SchemaCheck {
 public:
  explicit SchemaCheck(std::vector<std::string>& problems) : problems_(problems) {}

  void document(const YAML::Node& doc) {
    if (!doc.IsSequence()) return problem(doc, "the rules content must be a sequence of items");
    for (const auto& item : doc) {
      if (!visit()) return;
      if (!item.IsMap()) {
        problem(item, "every item must be a mapping");
        continue;
      }
      this->item(item);
    }
  }

  bool exhausted() const { return visits_ > kMaxVisits; }

 private:
  bool visit() { return ++visits_ <= kMaxVisits; }

  void problem(const YAML::Node& at, const std::string& what) {
    if (problems_.size() >= kMaxProblems) return;
    const YAML::Mark m = at.Mark();
    problems_.push_back("line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1) + ": " + what);
  }

  void expect(const YAML::Node& v, const std::string& key, bool ok, const char* type) {
    if (!ok) problem(v, "key '" + key + "' must be " + type);
  }

  static bool scalar(Kind k) { return k == Kind::String || k == Kind::Integer || k == Kind::Number || k == Kind::Bool; }
  static bool text(Kind k) { return k == Kind::String || k == Kind::Integer || k == Kind::Number; }

  void scalars(const YAML::Node& v, const std::string& key) {
    if (!v.IsSequence()) return expect(v, key, false, "a sequence");
    for (const auto& e : v) {
      if (!visit()) return;
      if (!scalar(kind_of(e))) problem(e, "every element of '" + key + "' must be a scalar");
    }
  }

  void string_or_strings(const YAML::Node& v, const std::string& key) {
    if (v.IsSequence()) return scalars(v, key);
    expect(v, key, text(kind_of(v)), "a string or a sequence of strings");
  }

  void exceptions(const YAML::Node& v) {
    if (!v.IsSequence()) return expect(v, "exceptions", false, "a sequence");
    for (const auto& ex : v) {
      if (!visit()) return;
      if (!ex.IsMap()) {
        problem(ex, "every exception must be a mapping");
        continue;
      }
      for (const auto& kv : ex) {
        const std::string key = kv.first.Scalar();
        const YAML::Node& val = kv.second;
        if (key == "name") expect(val, key, text(kind_of(val)), "a string");
        else if (key == "fields" || key == "comps") string_or_strings(val, key);
        else if (key == "values") expect(val, key, val.IsSequence(), "a sequence");
        else problem(kv.first, "unknown exception key '" + key + "'");
      }
    }
  }

  void overrides(const YAML::Node& v) {
    if (!v.IsMap()) return expect(v, "override", false, "a mapping");
    static constexpr std::string_view kKeys[] = {"items", "condition", "output", "desc", "priority", "tags",
                                                 "exceptions", "enabled", "warn_evttypes", "capture",
                                                 "capture_duration", "source", "skip-if-unknown-filter"};
    for (const auto& kv : v) {
      const std::string key = kv.first.Scalar();
      bool known = false;
      for (auto k : kKeys) known = known || key == k;
      if (!known) problem(kv.first, "unknown override key '" + key + "'");
      const std::string op = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
      if (op != "append" && op != "replace") problem(kv.second, "override of '" + key + "' must be append or replace");
    }
  }

  void plugin_versions(const YAML::Node& v) {
    if (!v.IsSequence()) return expect(v, "required_plugin_versions", false, "a sequence");
    for (const auto& p : v) {
      if (!visit()) return;
      if (!p.IsMap()) {
        problem(p, "every required plugin must be a mapping");
        continue;
      }
      for (const auto& kv : p) {
        const std::string key = kv.first.Scalar();
        if (key == "name" || key == "version") {
          expect(kv.second, key, text(kind_of(kv.second)), "a string");
        } else if (key == "alternatives") {
          if (!kv.second.IsSequence()) {
            expect(kv.second, key, false, "a sequence");
            continue;
          }
          for (const auto& alt : kv.second) {
            if (!alt.IsMap() || !alt["name"] || !alt["version"]) problem(alt, "every alternative needs a name and a version");
          }
        } else {
          problem(kv.first, "unknown required plugin key '" + key + "'");
        }
      }
    }
  }

  void item(const YAML::Node& item) {
    for (const auto& kv : item) {
      if (!visit()) return;
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      const YAML::Node& v = kv.second;
      const Kind k = kind_of(v);
      if (key == "required_engine_version") expect(v, key, text(k), "a version string or number");
      else if (key == "required_plugin_versions") plugin_versions(v);
      else if (key == "list" || key == "macro" || key == "rule" || key == "condition" || key == "output" ||
               key == "desc" || key == "source" || key == "priority")
        expect(v, key, text(k) || (k == Kind::Null && (key == "source" || key == "desc")), "a string");
      else if (key == "items" || key == "tags") scalars(v, key);
      else if (key == "enabled" || key == "append" || key == "warn_evttypes" || key == "skip-if-unknown-filter" ||
               key == "capture")
        expect(v, key, k == Kind::Bool, "a boolean");
      else if (key == "capture_duration") expect(v, key, k == Kind::Integer, "an integer");
      else if (key == "exceptions") exceptions(v);
      else if (key == "override") overrides(v);
      else problem(kv.first, "unknown key '" + key + "'");
    }
  }

  std::vector<std::string>& problems_;
  size_t visits_ = 0;
};

}  // namespace

SchemaStatus check_rules_schema(const std::string& content, std::vector<std::string>& problems) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(content);
  } catch (const YAML::Exception&) {
    return SchemaStatus::None;
  }
  SchemaCheck check(problems);
  try {
    for (const auto& doc : docs) {
      if (!doc.IsDefined() || doc.IsNull()) continue;
      check.document(doc);
      if (check.exhausted()) break;
    }
  } catch (const YAML::Exception& e) {
    problems.push_back(e.what());
  }
  if (check.exhausted()) problems.push_back("the document is too large to validate");
  return problems.empty() ? SchemaStatus::Ok : SchemaStatus::Failed;
}

}  // namespace vigil::engine::rules
