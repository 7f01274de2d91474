// Top level of a rules file (§A.1), the shared scalar decoding (§A.2), versions (§A.3, §A.4),
// lists (§A.5) and macros (§A.6). Rules are in rule_item_reader.cpp.
#include "rules/rules_reader.h"

#include <cctype>
#include <sstream>

#include "rules/yaml_items.h"
#include "vigil/engine/engine_version.h"

namespace vigil::engine::rules {

std::string snippet_at(const std::string& content, uint32_t line) {
  if (line == 0) return {};
  std::istringstream in(content);
  std::string l, out;
  for (uint32_t n = 1; std::getline(in, l); ++n) {
    if (n + 1 < line) continue;
    if (n > line + 2) break;
    out += l + "\n";
  }
  return out;
}

SourceLocation ItemContext::location(const YAML::Mark& m) const {
  SourceLocation l;
  l.file = file_;
  if (m.line >= 0) l.line = static_cast<uint32_t>(m.line) + 1;
  if (m.column >= 0) l.column = static_cast<uint32_t>(m.column) + 1;
  return l;
}

TextLocation ItemContext::text_location(const YAML::Node& n) const {
  TextLocation t;
  t.loc = location(n.Mark());
  if (n.Mark().pos >= 0 && static_cast<size_t>(n.Mark().pos) < content_.size()) {
    char c = content_[n.Mark().pos];
    if (c == '>' || c == '|') {
      // Block scalar: the text starts on the next line.
      size_t nl = content_.find('\n', n.Mark().pos);
      t.loc.line += 1;
      size_t p = nl == std::string::npos ? content_.size() : nl + 1;
      uint32_t col = 1;
      while (p < content_.size() && content_[p] == ' ') {
        ++p;
        ++col;
      }
      t.loc.column = col;
    } else {
      if (c == '"' || c == '\'') t.loc.column += 1;
      t.single_line_scalar = true;
    }
  }
  return t;
}

Diagnostic ItemContext::make(Severity s, const std::string& code, const std::string& msg, const YAML::Mark& m) const {
  Diagnostic d;
  d.severity = s;
  d.code = code;
  d.message = msg;
  auto loc = location(m.line >= 0 ? m : item_mark_);
  d.file = loc.file;
  d.line = loc.line;
  d.column = loc.column;
  d.item_type = item_type_;
  d.item_name = item_name_;
  d.snippet = snippet_at(content_, d.line);
  return d;
}

void ItemContext::fail(const std::string& code, const std::string& msg, const YAML::Node* at) const {
  throw ItemError{code, msg, at && at->IsDefined() ? at->Mark() : item_mark_};
}

void ItemContext::warn(const std::string& code, const std::string& msg, const YAML::Node* at) {
  diags_.push_back(make(Severity::Warning, code, msg, at && at->IsDefined() ? at->Mark() : item_mark_));
}

std::string ItemContext::required_string(const YAML::Node& item, const char* key) const {
  YAML::Node v = item[key];
  if (!v.IsDefined()) fail("LOAD_ERR_YAML_VALIDATE", std::string("Item has no mapping for key '") + key + "'");
  if (v.IsNull()) fail("LOAD_ERR_YAML_VALIDATE", std::string("Mapping for key '") + key + "' is empty", &v);
  if (!v.IsScalar()) fail("LOAD_ERR_YAML_VALIDATE", "Value is not a scalar value", &v);
  std::string s = v.Scalar();
  if (s.empty()) fail("LOAD_ERR_YAML_VALIDATE", "Value must be non-empty", &v);
  return s;
}

std::optional<std::string> ItemContext::optional_string(const YAML::Node& item, const char* key, bool allow_empty) const {
  YAML::Node v = item[key];
  if (!v.IsDefined()) return std::nullopt;
  if (v.IsNull()) {
    if (allow_empty) return std::string();
    fail("LOAD_ERR_YAML_VALIDATE", std::string("Mapping for key '") + key + "' is empty", &v);
  }
  if (!v.IsScalar()) fail("LOAD_ERR_YAML_VALIDATE", "Value is not a scalar value", &v);
  std::string s = v.Scalar();
  if (s.empty() && !allow_empty) fail("LOAD_ERR_YAML_VALIDATE", "Value must be non-empty", &v);
  return s;
}

std::optional<bool> ItemContext::optional_bool(const YAML::Node& item, const char* key) const {
  YAML::Node v = item[key];
  if (!v.IsDefined()) return std::nullopt;
  if (v.IsNull()) fail("LOAD_ERR_YAML_VALIDATE", std::string("Mapping for key '") + key + "' is empty", &v);
  if (!v.IsScalar()) fail("LOAD_ERR_YAML_VALIDATE", "Value is not a scalar value", &v);
  bool b;
  if (!YAML::convert<bool>::decode(v, b)) fail("LOAD_ERR_YAML_VALIDATE", "Can't decode YAML scalar value", &v);
  return b;
}

std::vector<std::string> ItemContext::string_sequence(const YAML::Node& item, const char* key) const {
  YAML::Node v = item[key];
  std::vector<std::string> out;
  if (!v.IsDefined()) fail("LOAD_ERR_YAML_VALIDATE", std::string("Item has no mapping for key '") + key + "'");
  if (v.IsNull()) return out;
  if (!v.IsSequence()) fail("LOAD_ERR_YAML_VALIDATE", "Value is not a sequence", &v);
  for (const auto& e : v) {
    if (!e.IsScalar()) fail("LOAD_ERR_YAML_VALIDATE", "sequence value is not scalar", &e);
    out.push_back(e.Scalar());
  }
  return out;
}

void ItemContext::warn_unknown_keys(const YAML::Node& item, std::initializer_list<const char*> known) {
  for (const auto& kv : item) {
    if (!kv.first.IsScalar()) continue;
    const std::string& k = kv.first.Scalar();
    bool ok = false;
    for (const char* n : known)
      if (k == n) ok = true;
    if (!ok) warn("LOAD_UNKNOWN_KEY", "Unknown key '" + k + "'. The key will be ignored.", &kv.first);
  }
}

namespace {

struct Semver {
  uint64_t major = 0, minor = 0, patch = 0;
};

bool parse_semver(const std::string& s, Semver& v) {
  // x.y.z; anything after the third number is ignored.
  size_t p = 0;
  uint64_t parts[3];
  for (int i = 0; i < 3; ++i) {
    if (p >= s.size() || !std::isdigit(static_cast<unsigned char>(s[p]))) return false;
    uint64_t n = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
      n = n * 10 + static_cast<uint64_t>(s[p] - '0');
      if (n > 0xffffffffull) return false;
      ++p;
    }
    parts[i] = n;
    if (i < 2) {
      if (p >= s.size() || s[p] != '.') return false;
      ++p;
    }
  }
  v = {parts[0], parts[1], parts[2]};
  return true;
}

bool ge(const Semver& a, const Semver& b) {
  if (a.major != b.major) return a.major > b.major;
  if (a.minor != b.minor) return a.minor > b.minor;
  return a.patch >= b.patch;
}

std::string to_text(const Semver& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

}  // namespace

void read_engine_version(ItemContext& ctx, const YAML::Node& item) {
  YAML::Node v = item["required_engine_version"];
  ctx.set_item("required_engine_version", "", item.Mark());
  if (v.IsNull()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Mapping for key 'required_engine_version' is empty", &v);
  if (!v.IsScalar()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value is not a scalar value", &v);
  auto ev = engine_version();
  Semver engine{ev.major, ev.minor, ev.patch};
  Semver req;
  const std::string& s = v.Scalar();
  bool all_digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  if (all_digits && s.size() < 10) {
    req = {0, std::stoull(s), engine.patch};
  } else if (!parse_semver(s, req)) {
    ctx.fail("LOAD_ERR_YAML_VALIDATE",
             "Unable to parse engine version '" + s + "' as a semver string. Expected \"x.y.z\" semver format.", &v);
  }
  ctx.warn_unknown_keys(item, {"required_engine_version"});
  if (req.major != engine.major || !ge(engine, req)) {
    ctx.fail("LOAD_ERR_VALIDATE",
             "Rules require engine version " + to_text(req) + ", but engine version is " + to_text(engine), &v);
  }
  auto& store = ctx.store();
  uint64_t num = (req.major << 42) | (req.minor << 21) | req.patch;
  if (num >= store.required_engine_version_num) {
    store.required_engine_version_num = num;
    store.required_engine_version = to_text(req);
  }
}

void read_plugin_versions(ItemContext& ctx, const YAML::Node& item) {
  YAML::Node v = item["required_plugin_versions"];
  ctx.set_item("required_plugin_versions", "", item.Mark());
  if (!v.IsSequence()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value of required_plugin_versions must be a sequence", &v);
  for (const auto& entry : v) {
    if (!entry.IsMap()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Plugin version must be a mapping", &entry);
    RequiredPluginVersion req;
    req.name = ctx.required_string(entry, "name");
    req.version = ctx.required_string(entry, "version");
    std::set<std::string> names{req.name};
    Semver tmp;
    if (!parse_semver(req.version, tmp))
      ctx.fail("LOAD_ERR_YAML_VALIDATE", "Invalid required version '" + req.version + "' for plugin '" + req.name + "'",
               &entry);
    YAML::Node alts = entry["alternatives"];
    if (alts.IsDefined() && !alts.IsNull()) {
      if (!alts.IsSequence())
        ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value of plugin version alternatives must be a sequence", &alts);
      for (const auto& a : alts) {
        if (!a.IsMap()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Plugin version alternative must be a mapping", &a);
        std::string n = ctx.required_string(a, "name");
        std::string ver = ctx.required_string(a, "version");
        if (!parse_semver(ver, tmp))
          ctx.fail("LOAD_ERR_YAML_VALIDATE", "Invalid required version '" + ver + "' for plugin '" + n + "'", &a);
        if (!names.insert(n).second)
          ctx.fail("LOAD_ERR_VALIDATE", "Defined multiple alternative version requirements for plugin '" + n + "'", &a);
        req.alternatives.emplace_back(n, ver);
      }
    }
    ctx.store().plugin_requirements().push_back(std::move(req));
  }
  ctx.warn_unknown_keys(item, {"required_plugin_versions"});
}

namespace {

// Reads `override` (a mapping key -> append|replace); returns empty map when absent.
std::map<std::string, std::string> read_override(ItemContext& ctx, const YAML::Node& item) {
  std::map<std::string, std::string> out;
  YAML::Node o = item["override"];
  if (!o.IsDefined() || o.IsNull()) return out;
  if (!o.IsMap()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value of 'override' must be a mapping", &o);
  for (const auto& kv : o) {
    if (!kv.second.IsScalar()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value is not a scalar value", &kv.second);
    out[kv.first.Scalar()] = kv.second.Scalar();
  }
  return out;
}

// [^()"'[:space:]=,]+ (§A.5).
bool valid_list_name(const std::string& n) {
  if (n.empty()) return false;
  for (char c : n)
    if (c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || std::isspace(static_cast<unsigned char>(c)))
      return false;
  return true;
}

// [a-zA-Z]+[a-zA-Z0-9_]* (§A.6).
bool valid_macro_name(const std::string& n) {
  if (n.empty() || !std::isalpha(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

// Lists and macros have one overridable key (`items`, `condition`): decides whether the item
// appends, from the deprecated `append: true` or an `override: {KEY: append|replace}` entry.
bool single_key_append_mode(ItemContext& ctx, const YAML::Node& item, std::optional<bool> append,
                            const std::string& key, const std::string& kind) {
  auto ov = read_override(ctx, item);
  bool is_append = append.value_or(false);
  if (is_append)
    ctx.warn("LOAD_DEPRECATED_ITEM",
             "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.");
  if (!ov.empty() && is_append)
    ctx.fail("LOAD_ERR_YAML_VALIDATE",
             "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: "
             "append') under 'override' instead.");
  for (auto& [k, op] : ov) {
    if (k != key) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Key '" + k + "' cannot be overridden in a " + kind);
    if (op == "append") is_append = true;
    else if (op != "replace")
      ctx.fail("LOAD_ERR_YAML_VALIDATE",
               "Invalid override operation for key '" + key + "': '" + op + "'. Allowed values are: append, replace");
  }
  return is_append;
}

void read_list(ItemContext& ctx, const YAML::Node& item) {
  std::string name = ctx.required_string(item, "list");
  ctx.set_item("list", name, item.Mark());
  auto items = ctx.string_sequence(item, "items");
  auto append = ctx.optional_bool(item, "append");
  ctx.warn_unknown_keys(item, {"list", "items", "append", "override"});
  if (!valid_list_name(name))
    ctx.warn("LOAD_INVALID_LIST_NAME", "List has an invalid name. List names should match a regular expression: " +
                                           std::string("[^()\"'[:space:]=,]+"));
  bool is_append = single_key_append_mode(ctx, item, append, "items", "list");
  auto& store = ctx.store();
  ListDef* existing = store.find_list(name);
  uint64_t seq = store.next_seq();
  if (is_append) {
    if (!existing)
      ctx.fail("LOAD_ERR_VALIDATE",
               "List uses 'append' or 'override.items: append' but no list by that name already exists");
    existing->items.insert(existing->items.end(), items.begin(), items.end());
    existing->last_seq = seq;
    return;
  }
  if (existing) {
    existing->items = std::move(items);
    existing->last_seq = seq;
    return;
  }
  ListDef d;
  d.name = name;
  d.items = std::move(items);
  d.first_seq = d.last_seq = seq;
  d.loc = ctx.location(item.Mark());
  store.add_list(std::move(d));
}

void read_macro(ItemContext& ctx, const YAML::Node& item) {
  std::string name = ctx.required_string(item, "macro");
  ctx.set_item("macro", name, item.Mark());
  std::string cond = ctx.required_string(item, "condition");
  auto append = ctx.optional_bool(item, "append");
  ctx.warn_unknown_keys(item, {"macro", "condition", "append", "override"});
  if (!valid_macro_name(name))
    ctx.warn("LOAD_INVALID_MACRO_NAME",
             "Macro has an invalid name. Macro names should match a regular expression: [a-zA-Z]+[a-zA-Z0-9_]*");
  bool is_append = single_key_append_mode(ctx, item, append, "condition", "macro");
  auto& store = ctx.store();
  MacroDef* existing = store.find_macro(name);
  uint64_t seq = store.next_seq();
  YAML::Node cn = item["condition"];
  if (is_append) {
    if (!existing)
      ctx.fail("LOAD_ERR_VALIDATE",
               "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists");
    existing->condition += " " + cond;
    existing->last_seq = seq;
    return;
  }
  if (existing) {
    existing->condition = cond;
    existing->last_seq = seq;
    existing->cond_loc = ctx.text_location(cn);
    existing->loc = ctx.location(item.Mark());
    return;
  }
  MacroDef d;
  d.name = name;
  d.condition = cond;
  d.first_seq = d.last_seq = seq;
  d.loc = ctx.location(item.Mark());
  d.cond_loc = ctx.text_location(cn);
  store.add_macro(std::move(d));
}

namespace {

// Hands an item of an application-defined kind to its handler.
void read_extension_item(ItemContext& ctx, const YAML::Node& item, const std::string& kind,
                         const ExtensionItemHandler& handler) {
  ExtensionItem x;
  x.kind = kind;
  x.name = ctx.required_string(item, kind.c_str());
  ctx.set_item(kind, x.name, item.Mark());
  const SourceLocation loc = ctx.location(item.Mark());
  x.file = loc.file;
  x.line = loc.line;
  x.column = loc.column;
  for (const auto& kv : item) {
    const std::string key = kv.first.Scalar();
    if (key == kind) continue;
    auto& values = x.properties[key];
    if (kv.second.IsScalar()) {
      values.push_back(kv.second.Scalar());
    } else if (kv.second.IsSequence()) {
      for (const auto& e : kv.second) {
        if (!e.IsScalar()) ctx.fail("LOAD_ERR_EXTENSION", "Key '" + key + "' must hold scalars", &kv.second);
        values.push_back(e.Scalar());
      }
    } else if (!kv.second.IsNull()) {
      ctx.fail("LOAD_ERR_EXTENSION", "Key '" + key + "' must be a scalar or a sequence of scalars", &kv.second);
    }
  }
  std::vector<std::string> warnings;
  const Status st = handler(x, warnings);
  for (const auto& w : warnings) ctx.warn("LOAD_WARNING_EXTENSION", w);
  if (!st.ok()) ctx.fail("LOAD_ERR_EXTENSION", st.error().message);
}

}  // namespace

bool read_rules(const std::string& content, const std::string& file, RuleStore& store, std::vector<Diagnostic>& diags,
                const ExtensionKinds* extensions) {
  ItemContext ctx(file, content, store, diags);
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(content);
  } catch (const YAML::Exception& e) {
    diags.push_back(ctx.make(Severity::Error, "LOAD_ERR_YAML_PARSE", e.msg, e.mark));
    return false;
  }
  try {
    for (const auto& doc : docs) {
      if (!doc.IsDefined() || doc.IsNull()) continue;
      ctx.set_item("rules content", "", doc.Mark());
      if (doc.IsMap()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Rules content is not yaml array of objects");
      if (!doc.IsSequence()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Rules content is not yaml");
      for (const auto& item : doc) {
        if (item.IsNull()) continue;
        ctx.set_item("rules content", "", item.Mark());
        if (!item.IsMap())
          ctx.fail("LOAD_ERR_YAML_VALIDATE", "Unexpected element type. Each element should be a yaml associative array.");
        if (item["required_engine_version"].IsDefined()) read_engine_version(ctx, item);
        else if (item["required_plugin_versions"].IsDefined()) read_plugin_versions(ctx, item);
        else if (item["list"].IsDefined()) read_list(ctx, item);
        else if (item["macro"].IsDefined()) read_macro(ctx, item);
        else if (item["rule"].IsDefined()) read_rule(ctx, item);
        else {
          const ExtensionKinds::value_type* ext = nullptr;
          if (extensions)
            for (const auto& k : *extensions)
              if (!ext && item[k.first].IsDefined()) ext = &k;
          if (ext) read_extension_item(ctx, item, ext->first, ext->second);
          else ctx.warn("LOAD_UNKNOWN_ITEM", "Unknown top level item");
        }
      }
    }
  } catch (const ItemError& e) {
    diags.push_back(ctx.make(Severity::Error, e.code, e.message, e.mark));
    return false;
  } catch (const YAML::Exception& e) {
    diags.push_back(ctx.make(Severity::Error, "LOAD_ERR_YAML_VALIDATE", e.msg, e.mark));
    return false;
  }
  return true;
}

}  // namespace vigil::engine::rules
