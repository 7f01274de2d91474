// `- rule:` items (rules-language.md §A.7) and their exceptions (§A.8): the four modes
// (override, legacy append, enable toggle, full definition) and the merge into the RuleStore.
#include <algorithm>
#include <cctype>

#include "rules/yaml_items.h"

namespace vigil::engine::rules {
namespace {

constexpr const char* kRuleKeys[] = {"rule", "condition", "output", "desc", "priority", "source", "enabled",
                                     "capture", "capture_duration", "warn_evttypes", "skip-if-unknown-filter",
                                     "tags", "exceptions", "override", "append"};
constexpr const char* kAppendable[] = {"condition", "output", "desc", "tags", "exceptions"};
constexpr const char* kReplaceable[] = {"condition", "output", "desc", "priority", "capture", "capture_duration",
                                        "tags", "exceptions", "enabled", "warn_evttypes", "skip-if-unknown-filter"};

const char* const kWarnAppend =
    "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";

template <size_t N>
bool one_of(const std::string& k, const char* const (&set)[N]) {
  return std::find_if(std::begin(set), std::end(set), [&](const char* s) { return k == s; }) != std::end(set);
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool is_string_op(const std::string& op) {
  static const char* kOps[] = {"=", "==", "!=", "glob", "iglob", "contains", "icontains", "bcontains",
                               "startswith", "bstartswith", "endswith", "regex"};
  return std::find_if(std::begin(kOps), std::end(kOps), [&](const char* s) { return op == s; }) != std::end(kOps);
}

bool is_any_op(const std::string& op) {
  static const char* kOps[] = {"<", "<=", ">", ">=", "in", "intersects", "pmatch", "exists"};
  return is_string_op(op) ||
         std::find_if(std::begin(kOps), std::end(kOps), [&](const char* s) { return op == s; }) != std::end(kOps);
}

// "startswith oneof" -> true when a string operator is followed by a list modifier.
bool is_modifier_op(const std::string& comp) {
  auto sp = comp.find_first_of(" \t");
  if (sp == std::string::npos) return false;
  std::string base = comp.substr(0, sp);
  std::string mod = trim(comp.substr(sp));
  return is_string_op(base) && (mod == "oneof" || mod == "anyof" || mod == "allof");
}

ExceptionValue read_value(ItemContext& ctx, const YAML::Node& v) {
  ExceptionValue out;
  if (v.IsScalar()) {
    out.scalar = v.Scalar();
  } else if (v.IsSequence()) {
    out.is_list = true;
    for (const auto& e : v) {
      if (!e.IsScalar()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Expected values array to contain a list of strings", &e);
      out.items.push_back(e.Scalar());
    }
  } else if (!v.IsNull()) {
    ctx.fail("LOAD_ERR_YAML_VALIDATE", "Expected values array to contain a list of strings", &v);
  }
  return out;
}

std::vector<ExceptionDef> read_exceptions(ItemContext& ctx, const YAML::Node& item, bool appending) {
  std::vector<ExceptionDef> out;
  YAML::Node ex = item["exceptions"];
  if (!ex.IsDefined() || ex.IsNull()) return out;
  if (!ex.IsSequence()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Rule exceptions must be a sequence", &ex);
  std::set<std::string> names;
  for (const auto& e : ex) {
    if (!e.IsMap()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Rule exception must be a mapping", &e);
    ExceptionDef d;
    d.loc = ctx.location(e.Mark());
    d.name = ctx.required_string(e, "name");
    if (!names.insert(d.name).second)
      ctx.warn("LOAD_EXCEPTION_NAME_NOT_UNIQUE", "Multiple definitions of exception '" + d.name + "' in the same rule",
               &e);
    YAML::Node f = e["fields"];
    if (f.IsDefined() && !f.IsNull()) {
      d.has_fields = true;
      if (f.IsScalar()) {
        d.fields.push_back(f.Scalar());
      } else if (f.IsSequence()) {
        d.fields_is_list = true;
        for (const auto& x : f) {
          if (!x.IsScalar()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "sequence value is not scalar", &x);
          d.fields.push_back(x.Scalar());
        }
      } else {
        ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value is not a scalar value", &f);
      }
    } else if (!appending) {
      ctx.fail("LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'fields'", &e);
    }
    YAML::Node c = e["comps"];
    if (c.IsDefined() && !c.IsNull()) {
      d.has_comps = true;
      if (c.IsScalar()) d.comps.push_back(trim(c.Scalar()));
      else if (c.IsSequence()) {
        for (const auto& x : c) {
          if (!x.IsScalar()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "sequence value is not scalar", &x);
          d.comps.push_back(trim(x.Scalar()));
        }
        if (d.has_fields && !d.fields_is_list)
          ctx.fail("LOAD_ERR_VALIDATE", "Fields and comps must both be strings", &c);
      }
    }
    if (d.has_fields) {
      if (!d.fields_is_list) {
        if (!d.has_comps) d.comps = {"in"};
        if (c.IsDefined() && c.IsSequence()) ctx.fail("LOAD_ERR_VALIDATE", "Fields and comps must both be strings", &c);
        const std::string& comp = d.comps[0];
        if (comp != "in" && comp != "pmatch" && comp != "intersects" && !is_modifier_op(comp))
          ctx.fail("LOAD_ERR_VALIDATE",
                   "When fields is a single value, comps must be one of (in, pmatch, intersects) or a modifier "
                   "operator (e.g. startswith oneof)",
                   &c);
      } else {
        if (!d.has_comps) d.comps.assign(d.fields.size(), "=");
        if (c.IsDefined() && c.IsScalar()) ctx.fail("LOAD_ERR_VALIDATE", "Fields and comps must both be lists", &c);
        if (d.comps.size() != d.fields.size())
          ctx.fail("LOAD_ERR_VALIDATE", "Fields and comps lists must have equal length", &c);
        for (auto& comp : d.comps)
          if (!is_any_op(comp) && !is_modifier_op(comp))
            ctx.fail("LOAD_ERR_VALIDATE", "'" + comp + "' is not a supported comparison operator", &c);
      }
    } else if (d.has_comps) {
      for (auto& comp : d.comps)
        if (!is_any_op(comp) && !is_modifier_op(comp))
          ctx.fail("LOAD_ERR_VALIDATE", "'" + comp + "' is not a supported comparison operator", &c);
    }
    YAML::Node v = e["values"];
    if (v.IsDefined() && !v.IsNull()) {
      d.has_values = true;
      if (!v.IsSequence()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Rule exception values must be a sequence", &v);
      bool scalar_form = d.has_fields && !d.fields_is_list;
      if (scalar_form) {
        std::vector<ExceptionValue> row;
        for (const auto& x : v) {
          if (!x.IsScalar()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Expected values array to contain a list of strings", &x);
          row.push_back(read_value(ctx, x));
        }
        d.values.push_back(std::move(row));
      } else {
        for (const auto& r : v) {
          std::vector<ExceptionValue> row;
          if (r.IsSequence()) {
            for (const auto& x : r) row.push_back(read_value(ctx, x));
          } else {
            // A scalar row: only meaningful for scalar-form exceptions being appended to.
            row.push_back(read_value(ctx, r));
          }
          d.values.push_back(std::move(row));
        }
      }
    } else if (appending) {
      ctx.warn("LOAD_APPEND_NO_VALUES", "Overriding/appending exception with no values", &e);
    }
    out.push_back(std::move(d));
  }
  return out;
}

void append_exceptions(ItemContext& ctx, RuleDef& rule, std::vector<ExceptionDef> add) {
  for (auto& e : add) {
    auto it = std::find_if(rule.exceptions.begin(), rule.exceptions.end(),
                           [&](const ExceptionDef& x) { return x.name == e.name; });
    if (it != rule.exceptions.end()) {
      if (e.has_fields) ctx.fail("LOAD_ERR_VALIDATE", "Can not append exception fields to existing exception, only values");
      if (e.has_comps) ctx.fail("LOAD_ERR_VALIDATE", "Can not append exception comps to existing exception, only values");
      if (!it->fields_is_list) {
        // Scalar form keeps one flat row.
        if (it->values.empty()) it->values.emplace_back();
        for (auto& row : e.values)
          for (auto& v : row) it->values[0].push_back(std::move(v));
      } else {
        for (auto& row : e.values) it->values.push_back(std::move(row));
      }
      continue;
    }
    if (!e.has_fields) ctx.fail("LOAD_ERR_VALIDATE", "Rule exception must have fields property with a list of fields");
    if (!e.has_values || e.values.empty())
      ctx.fail("LOAD_ERR_VALIDATE", "Rule exception must have values property with a list of values");
    rule.exceptions.push_back(std::move(e));
  }
}

void check_source(ItemContext& ctx, const RuleDef& existing, const std::string& item_source) {
  if (!item_source.empty() && !existing.source.empty() && item_source != existing.source)
    ctx.fail("LOAD_ERR_VALIDATE", "Rule has been re-defined with a different source");
}

std::set<std::string> read_tags(ItemContext& ctx, const YAML::Node& item) {
  auto v = ctx.string_sequence(item, "tags");
  return {v.begin(), v.end()};
}

Priority read_priority(ItemContext& ctx, const YAML::Node& item) {
  std::string p = ctx.required_string(item, "priority");
  auto pr = parse_priority(p);
  if (!pr) {
    YAML::Node n = item["priority"];
    ctx.fail("LOAD_ERR_YAML_VALIDATE", "Invalid priority", &n);
  }
  return *pr;
}

uint32_t read_u32(ItemContext& ctx, const YAML::Node& item, const char* key) {
  YAML::Node v = item[key];
  if (v.IsNull()) ctx.fail("LOAD_ERR_YAML_VALIDATE", std::string("Mapping for key '") + key + "' is empty", &v);
  if (!v.IsScalar()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value is not a scalar value", &v);
  uint32_t out;
  if (!YAML::convert<uint32_t>::decode(v, out)) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Can't decode YAML scalar value", &v);
  return out;
}

void read_override_item(ItemContext& ctx, const YAML::Node& item, const std::string& name, const std::string& source) {
  YAML::Node o = item["override"];
  if (!o.IsMap()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value of 'override' must be a mapping", &o);
  std::vector<std::string> appends, replaces;
  for (const auto& kv : o) {
    std::string k = kv.first.Scalar();
    if (!kv.second.IsScalar()) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Value is not a scalar value", &kv.second);
    std::string op = kv.second.Scalar();
    if (op == "append") {
      if (!one_of(k, kAppendable))
        ctx.fail("LOAD_ERR_YAML_VALIDATE", "Key '" + k + "' cannot be appended to, use 'replace' instead", &kv.first);
      appends.push_back(k);
    } else if (op == "replace") {
      if (!one_of(k, kReplaceable)) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Key '" + k + "' cannot be replaced", &kv.first);
      replaces.push_back(k);
    } else {
      ctx.fail("LOAD_ERR_YAML_VALIDATE",
               "Invalid override operation for key '" + k + "': '" + op + "'. Allowed values are: append, replace",
               &kv.second);
    }
    if (!item[k].IsDefined())
      ctx.fail("LOAD_ERR_YAML_VALIDATE", std::string(op == "append" ? "An append" : "A replace") + " override for '" + k +
                                             "' was specified but '" + k + "' is not defined",
               &kv.first);
  }
  for (const auto& kv : item) {
    std::string k = kv.first.Scalar();
    if (!one_of(k, kAppendable) && !one_of(k, kReplaceable)) continue;
    if (!o[k].IsDefined())
      ctx.fail("LOAD_ERR_YAML_VALIDATE",
               "Unexpected key '" + k + "': no corresponding entry under 'override' is defined.", &kv.first);
  }
  RuleDef* rule = ctx.store().find_rule(name);
  if (!appends.empty()) {
    if (!rule)
      ctx.fail("LOAD_ERR_VALIDATE",
               "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists");
    check_source(ctx, *rule, source);
    for (auto& k : appends) {
      if (k == "condition" || k == "output" || k == "desc") {
        std::string v = ctx.optional_string(item, k.c_str(), true).value_or("");
        std::string& dst = k == "condition" ? rule->condition : k == "output" ? rule->output : rule->desc;
        if (!v.empty()) dst += " " + v;
      } else if (k == "tags") {
        auto t = read_tags(ctx, item);
        rule->tags.insert(t.begin(), t.end());
      } else if (k == "exceptions") {
        append_exceptions(ctx, *rule, read_exceptions(ctx, item, true));
      }
    }
  }
  if (!replaces.empty()) {
    if (!rule)
      ctx.fail("LOAD_ERR_VALIDATE",
               "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists");
    check_source(ctx, *rule, source);
    for (auto& k : replaces) {
      if (k == "condition") {
        rule->condition = ctx.required_string(item, "condition");
        rule->cond_loc = ctx.text_location(item["condition"]);
      } else if (k == "output") {
        rule->output = trim(ctx.required_string(item, "output"));
      } else if (k == "desc") {
        rule->desc = ctx.required_string(item, "desc");
      } else if (k == "priority") {
        rule->priority = read_priority(ctx, item);
      } else if (k == "capture") {
        rule->capture = *ctx.optional_bool(item, "capture");
      } else if (k == "capture_duration") {
        rule->capture_duration = read_u32(ctx, item, "capture_duration");
      } else if (k == "tags") {
        rule->tags = read_tags(ctx, item);
      } else if (k == "exceptions") {
        rule->exceptions = read_exceptions(ctx, item, false);
      } else if (k == "enabled") {
        rule->enabled = *ctx.optional_bool(item, "enabled");
      } else if (k == "warn_evttypes") {
        rule->warn_evttypes = *ctx.optional_bool(item, "warn_evttypes");
      } else if (k == "skip-if-unknown-filter") {
        rule->skip_if_unknown_filter = *ctx.optional_bool(item, "skip-if-unknown-filter");
      }
    }
  }
  if (appends.empty() && replaces.empty())
    ctx.fail("LOAD_ERR_VALIDATE", "The rule must have at least one field that can be replaced");
}

}  // namespace

void read_rule(ItemContext& ctx, const YAML::Node& item) {
  std::string name = ctx.required_string(item, "rule");
  ctx.set_item("rule", name, item.Mark());
  {
    std::vector<const char*> known(std::begin(kRuleKeys), std::end(kRuleKeys));
    for (const auto& kv : item) {
      if (!kv.first.IsScalar()) continue;
      const std::string& k = kv.first.Scalar();
      if (std::find_if(known.begin(), known.end(), [&](const char* s) { return k == s; }) == known.end())
        ctx.warn("LOAD_UNKNOWN_KEY", "Unknown key '" + k + "'. The key will be ignored.", &kv.first);
    }
  }
  std::string source = ctx.optional_string(item, "source", true).value_or("");
  auto append = ctx.optional_bool(item, "append");
  bool has_override = item["override"].IsDefined();
  bool is_append = append.value_or(false);
  if (is_append) ctx.warn("LOAD_DEPRECATED_ITEM", kWarnAppend);
  if (has_override && is_append)
    ctx.fail("LOAD_ERR_YAML_VALIDATE",
             "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: "
             "append') under 'override' instead.");
  auto& store = ctx.store();
  if (has_override) {
    read_override_item(ctx, item, name, source);
    return;
  }
  if (is_append) {
    bool has_cond = item["condition"].IsDefined();
    bool has_exc = item["exceptions"].IsDefined();
    if (!has_cond && !has_exc) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Appended rule must have exceptions or condition property");
    RuleDef* rule = store.find_rule(name);
    if (!rule)
      ctx.fail("LOAD_ERR_VALIDATE",
               "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists");
    check_source(ctx, *rule, source);
    if (has_cond) {
      std::string c = ctx.optional_string(item, "condition", true).value_or("");
      if (!c.empty()) rule->condition += " " + c;
    }
    if (has_exc) append_exceptions(ctx, *rule, read_exceptions(ctx, item, true));
    return;
  }
  bool full = item["condition"].IsDefined() || item["output"].IsDefined() || item["desc"].IsDefined() ||
              item["priority"].IsDefined();
  if (!full) {
    auto enabled = ctx.optional_bool(item, "enabled");
    if (!enabled) ctx.fail("LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'enabled'");
    RuleDef* rule = store.find_rule(name);
    if (!rule) ctx.fail("LOAD_ERR_VALIDATE", "Rule has 'enabled' key but no rule by that name already exists");
    check_source(ctx, *rule, source);
    ctx.warn("LOAD_DEPRECATED_ITEM",
             "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry "
             "under the 'override' key (i.e. 'enabled: replace').");
    rule->enabled = *enabled;
    return;
  }
  RuleDef d;
  d.name = name;
  d.condition = ctx.required_string(item, "condition");
  d.cond_loc = ctx.text_location(item["condition"]);
  d.output = trim(ctx.required_string(item, "output"));
  d.desc = ctx.required_string(item, "desc");
  d.priority = read_priority(ctx, item);
  d.source = source.empty() ? "syscall" : source;
  d.enabled = ctx.optional_bool(item, "enabled").value_or(true);
  d.capture = ctx.optional_bool(item, "capture").value_or(false);
  if (item["capture_duration"].IsDefined()) d.capture_duration = read_u32(ctx, item, "capture_duration");
  d.warn_evttypes = ctx.optional_bool(item, "warn_evttypes").value_or(true);
  d.skip_if_unknown_filter = ctx.optional_bool(item, "skip-if-unknown-filter").value_or(false);
  if (item["tags"].IsDefined()) d.tags = read_tags(ctx, item);
  d.exceptions = read_exceptions(ctx, item, false);
  for (auto& e : d.exceptions)
    if (!e.has_values) e.values.clear();
  d.loc = ctx.location(item.Mark());
  RuleDef* existing = store.find_rule(name);
  if (existing) {
    if (existing->source != d.source)
      ctx.fail("LOAD_ERR_VALIDATE", "Rule has been re-defined with a different source");
    d.first_seq = existing->first_seq;
    *existing = std::move(d);
    return;
  }
  d.first_seq = store.next_seq();
  store.add_rule(std::move(d));
}

}  // namespace vigil::engine::rules
