// Engine facade: ties the reader, compiler, rulesets and outputs together.
#include "vigil/engine/engine.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "condition/event_type_names.h"
#include "engine_filter.h"
#include "output/time_format.h"
#include "rules/rule_compiler.h"
#include "rules/rules_reader.h"
#include "rules/rules_schema.h"
#include "ruleset/ruleset.h"

namespace vigil::engine {

namespace {
constexpr uintmax_t kMaxRulesFileBytes = 64u << 20;
}

bool LoadResult::has_warnings() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

struct Engine::State {
  EngineOptions options;
  std::vector<rules::SourceFields> sources;
  condition::EventTypeNames types;
  rules::RuleStore store;
  std::map<std::string, std::string> contents;
  std::vector<rules::CompiledRule> compiled;
  std::vector<RuleInfo> infos;
  std::map<std::string, ruleset::Ruleset> rulesets;
  std::vector<Match> matches;
  std::vector<ExtraOutput> extras;
  rules::ExtensionKinds extensions;

  ruleset::Ruleset& rs(const std::string& name) {
    auto it = rulesets.find(name);
    if (it == rulesets.end()) {
      it = rulesets.emplace(name, ruleset::Ruleset{}).first;
      it->second.reset(compiled.size());
    }
    return it->second;
  }
  bool admit(uint32_t id) const { return compiled[id].info.priority <= options.min_priority; }
  void invalidate_all() {
    for (auto& [n, r] : rulesets) r.invalidate();
  }
};

Engine::Engine(const inspect::FieldRegistry& syscall_fields, EngineOptions options) : s_(std::make_unique<State>()) {
  s_->options = options;
  s_->sources.push_back({"syscall", &syscall_fields});
  s_->rs("");
}

Engine::~Engine() = default;

void Engine::add_source(const std::string& name, const inspect::FieldRegistry& fields) {
  s_->sources.push_back({name, &fields});
}

LoadResult Engine::load_file(const std::string& path) {
  LoadResult r;
  r.name = path;
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  auto fail = [&](const std::string& msg) {
    Diagnostic d;
    d.code = "LOAD_ERR_FILE_READ";
    d.message = msg;
    d.file = path;
    d.item_type = "rules file";
    r.diagnostics.push_back(d);
    return r;
  };
  if (ec || !in) return fail("Could not read rules file " + path);
  if (size > kMaxRulesFileBytes) return fail("Rules file is larger than 64 MiB");
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_string(ss.str(), path);
}

LoadResult Engine::load_string(std::string_view content, const std::string& name) {
  LoadResult r;
  r.name = name;
  auto& text = s_->contents[name];
  text.assign(content);
  r.schema = rules::check_rules_schema(text, r.schema_problems);
  if (!rules::read_rules(text, name, s_->store, r.diagnostics, &s_->extensions)) return r;
  std::vector<rules::CompiledRule> compiled;
  rules::SnippetFn snippet = [this](const std::string& file, uint32_t line) {
    auto it = s_->contents.find(file);
    return it == s_->contents.end() ? std::string() : rules::snippet_at(it->second, line);
  };
  if (!rules::compile_rules(s_->store, s_->sources, s_->types, s_->extras, snippet, compiled, r.diagnostics)) return r;
  s_->compiled = std::move(compiled);
  s_->infos.clear();
  for (auto& c : s_->compiled) s_->infos.push_back(c.info);
  for (auto& [n, rs] : s_->rulesets) rs.reset(s_->compiled.size());
  auto& def = s_->rs("");
  for (uint32_t i = 0; i < s_->compiled.size(); ++i)
    if (s_->compiled[i].info.enabled_in_file) def.set(i, true);
  r.ok = true;
  return r;
}

std::vector<LoadResult> Engine::load_paths(const std::vector<std::string>& paths) {
  std::vector<LoadResult> out;
  auto yaml_name = [](const std::filesystem::path& p) {
    auto e = p.extension().string();
    return e == ".yaml" || e == ".yml";
  };
  for (const auto& p : paths) {
    std::vector<std::string> files;
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (auto& e : std::filesystem::directory_iterator(p, ec))
        if (e.is_regular_file() && yaml_name(e.path())) files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
    } else if (!std::filesystem::exists(p, ec) || yaml_name(p)) {
      files.push_back(p);
    }
    for (auto& f : files) {
      out.push_back(load_file(f));
      if (!out.back().ok) return out;
    }
  }
  return out;
}

void Engine::add_extra_output(ExtraOutput extra) { s_->extras.push_back(std::move(extra)); }

void Engine::add_item_kind(const std::string& kind, ExtensionItemHandler handler) {
  s_->extensions.emplace_back(kind, std::move(handler));
}

std::vector<std::string> Engine::list_names() const {
  std::vector<std::string> out;
  for (const auto& l : s_->store.lists()) out.push_back(l.name);
  return out;
}

std::vector<std::string> Engine::macro_names() const {
  std::vector<std::string> out;
  for (const auto& m : s_->store.macros()) out.push_back(m.name);
  return out;
}

namespace {

bool parse_version(const std::string& s, uint64_t (&v)[3]) {
  size_t p = 0;
  for (int i = 0; i < 3; ++i) {
    if (p >= s.size() || !isdigit(static_cast<unsigned char>(s[p]))) return false;
    v[i] = 0;
    while (p < s.size() && isdigit(static_cast<unsigned char>(s[p]))) v[i] = v[i] * 10 + static_cast<uint64_t>(s[p++] - '0');
    if (i < 2 && (p >= s.size() || s[p++] != '.')) return false;
  }
  return true;
}

// Same major and loaded >= required.
bool compatible(const std::string& loaded, const std::string& required) {
  uint64_t l[3], r[3];
  if (!parse_version(loaded, l) || !parse_version(required, r)) return false;
  if (l[0] != r[0]) return false;
  if (l[1] != r[1]) return l[1] > r[1];
  return l[2] >= r[2];
}

}  // namespace

std::string sanitized_rule_name(std::string_view name) {
  std::string out;
  bool pending = false;
  for (char c : name) {
    if (isalnum(static_cast<unsigned char>(c)) || c == ':') {
      if (pending && !out.empty()) out += '_';
      pending = false;
      out += c;
    } else {
      pending = true;
    }
  }
  return out;
}

Status Engine::check_plugin_requirements(const std::vector<PluginVersion>& loaded) const {
  for (const auto& req : s_->store.plugin_requirements()) {
    std::vector<std::pair<std::string, std::string>> alts{{req.name, req.version}};
    alts.insert(alts.end(), req.alternatives.begin(), req.alternatives.end());
    bool decided = false;
    std::string names;
    for (auto& [name, version] : alts) {
      if (!names.empty()) names += ", ";
      names += name + " (>= " + version + ")";
      if (name == "container") {
        decided = true;
        break;
      }
      auto it = std::find_if(loaded.begin(), loaded.end(), [&](const PluginVersion& p) { return p.name == name; });
      if (it == loaded.end()) continue;
      // The first alternative that is loaded decides.
      if (!compatible(it->version, version))
        return Error{"Plugin '" + name + "' version '" + it->version + "' is not compatible with required plugin version '" +
                     version + "'"};
      decided = true;
      break;
    }
    if (!decided) return Error{"Plugin requirement not satisfied, must load one of: " + names};
  }
  return Status{};
}

const std::vector<RuleInfo>& Engine::rules() const { return s_->infos; }

std::string Engine::required_engine_version() const { return s_->store.required_engine_version; }

void Engine::enable_rules(std::string_view pattern, NameMatch how, bool enabled, const std::string& name) {
  auto& rs = s_->rs(name);
  for (uint32_t i = 0; i < s_->compiled.size(); ++i) {
    const std::string& n = s_->compiled[i].info.name;
    bool m = false;
    switch (how) {
      case NameMatch::Substring: m = pattern.empty() || n.find(pattern) != std::string::npos; break;
      case NameMatch::Exact: m = pattern.empty() || n == pattern; break;
      case NameMatch::Wildcard: m = ruleset::wildcard_match(pattern, n); break;
    }
    if (m) rs.set(i, enabled);
  }
}

void Engine::enable_tags(const std::set<std::string>& tags, bool enabled, const std::string& name) {
  auto& rs = s_->rs(name);
  for (uint32_t i = 0; i < s_->compiled.size(); ++i) {
    const auto& t = s_->compiled[i].info.tags;
    bool m = std::any_of(tags.begin(), tags.end(), [&](const std::string& x) { return t.count(x) != 0; });
    if (m) rs.set(i, enabled);
  }
}

void Engine::run_only_tags(const std::set<std::string>& tags) {
  enable_rules("", NameMatch::Substring, false);
  enable_tags(tags, true);
}

size_t Engine::enabled_count(const std::string& name) const {
  auto it = s_->rulesets.find(name);
  if (it == s_->rulesets.end()) return 0;
  size_t n = 0;
  for (uint32_t id : it->second.order())
    if (s_->admit(id)) ++n;
  return n;
}

bool Engine::is_enabled(uint32_t rule, const std::string& name) const {
  auto it = s_->rulesets.find(name);
  return it != s_->rulesets.end() && it->second.enabled(rule) && rule < s_->compiled.size() && s_->admit(rule);
}

void Engine::set_min_priority(Priority p) {
  s_->options.min_priority = p;
  s_->invalidate_all();
}

void Engine::set_rule_matching(RuleMatching m) { s_->options.rule_matching = m; }

const std::vector<Match>& Engine::evaluate(uint16_t event_type, const inspect::EventContext& ctx) {
  return evaluate(0, event_type, ctx);
}

std::optional<size_t> Engine::source_index(std::string_view name) const {
  for (size_t i = 0; i < s_->sources.size(); ++i)
    if (s_->sources[i].name == name) return i;
  return std::nullopt;
}

const std::vector<Match>& Engine::evaluate(size_t source, uint16_t event_type, const inspect::EventContext& ctx) {
  auto& matches = s_->matches;
  matches.clear();
  State& s = *s_;
  if (event_type < eval::kMaxEventCodes && s.types.paired_enter_events().test(event_type)) return matches;
  auto& rs = s.rulesets.find("")->second;
  const auto& bucket = rs.bucket(
      event_type, [&s](uint32_t id) -> const eval::EventCodeSet& { return s.compiled[id].codes; },
      [&s](uint32_t id) { return s.admit(id); });
  eval::EvalInput in{&ctx, event_type};
  bool first = s.options.rule_matching == RuleMatching::First;
  for (uint32_t id : bucket) {
    // Buckets are shared by all sources; only plugin and async events mix them.
    if (s.compiled[id].source != source) continue;
    if (s.compiled[id].filter->eval(in)) {
      matches.push_back({id});
      if (first) break;
    }
  }
  return matches;
}

namespace {

Alert::Field::Kind kind_of(inspect::FieldType t) {
  switch (t) {
    case inspect::FieldType::Int16: case inspect::FieldType::Int32: case inspect::FieldType::Int64:
    case inspect::FieldType::Uint32: case inspect::FieldType::Uint64: case inspect::FieldType::AbsTime:
    case inspect::FieldType::RelTime: case inspect::FieldType::Port: case inspect::FieldType::Double:
      return Alert::Field::Kind::Number;
    case inspect::FieldType::Bool:
      return Alert::Field::Kind::Bool;
    default:
      return Alert::Field::Kind::String;
  }
}

}  // namespace

Alert Engine::alert(const Match& m, const inspect::EventContext& ctx, uint64_t time_ns, const std::string& hostname,
                    bool iso8601) const {
  const auto& cr = s_->compiled.at(m.rule);
  Alert a;
  a.time_ns = time_ns;
  a.rule = cr.info.name;
  a.priority = cr.info.priority;
  a.source = cr.info.source;
  a.tags = cr.info.tags;
  a.hostname = hostname;
  std::vector<output::OutputFormat::FieldText> fields;
  a.message = cr.output->render(&ctx, &fields);
  std::string t = iso8601 ? output::iso_time(time_ns, false) : output::local_time(time_ns);
  a.text = t + ": " + std::string(priority_name(a.priority)) + " " + a.message;
  a.output_fields.push_back({iso8601 ? "evt.time.iso8601" : "evt.time", std::to_string(time_ns),
                             Alert::Field::Kind::Number});
  auto typed = [](const output::OutputFormat::FieldText& f) {
    Alert::Field af;
    af.name = f.expr;
    af.value = f.text;
    if (!f.present) af.kind = Alert::Field::Kind::Null;
    else if (f.is_list) af.kind = Alert::Field::Kind::String;
    else af.kind = kind_of(f.type);
    if (af.kind == Alert::Field::Kind::Number && af.value.find_first_not_of("0123456789.-") != std::string::npos)
      af.kind = Alert::Field::Kind::String;
    return af;
  };
  for (auto& f : fields) {
    Alert::Field af = typed(f);
    bool dup = false;
    for (auto& x : a.output_fields)
      if (x.name == af.name) dup = true;
    if (!dup) a.output_fields.push_back(std::move(af));
  }
  for (const auto& [name, format] : cr.extra_fields) {
    // A field named after itself with nothing around it (Falco's raw extra field, `- evt.cpu`)
    // keeps its type, like the rule's own fields; any other format is text. An extra field
    // replaces an output field of the same name (one JSON key each, as in Falco).
    fields.clear();
    std::string text = format->render(&ctx, &fields);
    Alert::Field af{name, std::move(text), Alert::Field::Kind::String};
    if (fields.size() == 1 && fields[0].expr == name && af.value == fields[0].text) af = typed(fields[0]);
    auto same = std::find_if(a.output_fields.begin(), a.output_fields.end(),
                             [&](const Alert::Field& f) { return f.name == name; });
    if (same != a.output_fields.end()) {
      *same = std::move(af);
    } else {
      a.output_fields.push_back(std::move(af));
    }
  }
  return a;
}

std::vector<std::string> Engine::compared_strings(std::string_view field, LiteralComparison how, RuleScope scope,
                                                 const std::string& ruleset) const {
  std::set<std::string> found;
  for (uint32_t id = 0; id < s_->compiled.size(); ++id) {
    if (scope == RuleScope::Enabled && !is_enabled(id, ruleset)) continue;
    for (const ComparedLiteral& c : s_->compiled[id].info.compared_literals)
      if (c.how == how && c.field == field) found.insert(c.value);
  }
  return {found.begin(), found.end()};
}

Result<Filter> Engine::compile_filter(std::string_view condition, const std::string& source,
                                      FilterOptions options) const {
  for (const auto& src : s_->sources) {
    if (src.name != source) continue;
    auto built = build_filter(condition, *src.fields, s_->types, &s_->store, options);
    if (!built) return built.error();
    return Filter(std::move(*built));
  }
  return Error{"unknown event source '" + source + "'"};
}

}  // namespace vigil::engine
