#include "rules/rule_compiler.h"

#include <algorithm>
#include <unordered_map>

#include "condition/compared_literals.h"
#include "condition/event_type_deriver.h"
#include "condition/filter_compiler.h"
#include "condition/list_substitution.h"
#include "condition/macro_expander.h"
#include "condition/parser.h"
#include "rules/exception_condition.h"

namespace vigil::engine::rules {
namespace {

struct Reporter {
  std::vector<Diagnostic>& diags;
  const SnippetFn& snippet;

  void add(Severity s, const std::string& code, const std::string& msg, const std::string& item_type,
           const std::string& item_name, const SourceLocation& loc, const std::string* text = nullptr) {
    Diagnostic d;
    d.severity = s;
    d.code = code;
    d.message = msg;
    d.file = loc.file;
    d.line = loc.line;
    d.column = loc.column;
    d.item_type = item_type;
    d.item_name = item_name;
    // Condition diagnostics show the condition text itself, not the YAML around it.
    d.snippet = text ? *text : snippet ? snippet(loc.file, loc.line) : std::string();
    diags.push_back(std::move(d));
  }
};

// Position of `offset` in a condition whose text starts at `tl`.
SourceLocation at_offset(const TextLocation& tl, const std::string& text, uint32_t offset) {
  SourceLocation l = tl.loc;
  if (offset > text.size()) return l;
  uint32_t nl = 0;
  size_t last = std::string::npos;
  for (size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++nl;
      last = i;
    }
  if (tl.single_line_scalar && nl == 0) {
    l.column += offset;
  } else {
    l.line += nl;
    l.column = nl == 0 ? l.column + offset : static_cast<uint32_t>(offset - last);
  }
  return l;
}

bool is_deprecated_output_field(const std::string& out, std::string& which) {
  for (const char* f : {"evt.dir", "evt.latency", "evt.wait_latency"}) {
    if (out.find(f) != std::string::npos) {
      which = f;
      return true;
    }
  }
  return false;
}

// Depth of a tree, without recursion (the tree may come from hostile macro nesting).
size_t tree_depth(const condition::Expr& root) {
  size_t max = 0;
  std::vector<std::pair<const condition::Expr*, size_t>> stack{{&root, 1}};
  while (!stack.empty()) {
    auto [e, d] = stack.back();
    stack.pop_back();
    max = std::max(max, d);
    for (auto& c : e->children) stack.emplace_back(&c, d + 1);
  }
  return max;
}

// Where a rule is indexed (§C.1): syscall rules under their own event types plus the async
// meta-event, which carries events of any source; rules of other sources see only plugin and
// async events, whatever their condition says about evt.type.
eval::EventCodeSet index_codes(const std::string& source, const eval::EventCodeSet& derived,
                               const condition::EventTypeNames& types) {
  const eval::EventCodeSet* async = types.find("asyncevent");
  const eval::EventCodeSet* plugin = types.find("pluginevent");
  eval::EventCodeSet codes;
  if (source == "syscall") codes = derived;
  else if (plugin) codes |= *plugin;
  if (async) codes |= *async;
  return codes;
}

}  // namespace

std::vector<std::vector<std::string>> resolve_lists(const std::vector<ListDef>& lists, std::vector<bool>& used) {
  used.resize(lists.size(), false);
  std::unordered_map<std::string, size_t> list_pos;
  for (size_t i = 0; i < lists.size(); ++i) list_pos[lists[i].name] = i;
  std::vector<std::vector<std::string>> resolved(lists.size());
  for (size_t i = 0; i < lists.size(); ++i) {
    for (const auto& item : lists[i].items) {
      auto it = list_pos.find(item);
      if (it != list_pos.end() && it->second != i && lists[it->second].first_seq < lists[i].last_seq) {
        used[it->second] = true;
        const auto& sub = lists[it->second].items;
        resolved[i].insert(resolved[i].end(), sub.begin(), sub.end());
      } else {
        resolved[i].push_back(item);
      }
    }
  }
  return resolved;
}

bool compile_rules(const RuleStore& store, const std::vector<SourceFields>& sources,
                   const condition::EventTypeNames& types, const std::vector<ExtraOutput>& extras,
                   const SnippetFn& snippet,
                   std::vector<CompiledRule>& out, std::vector<Diagnostic>& diags) {
  Reporter rep{diags, snippet};
  out.clear();
  const auto& lists = store.lists();
  const auto& macros = store.macros();

  // 1. Lists.
  std::vector<bool> list_used(lists.size(), false);
  const std::vector<std::vector<std::string>> resolved = resolve_lists(lists, list_used);
  std::vector<condition::ListText> list_texts;
  for (size_t i = 0; i < lists.size(); ++i) list_texts.push_back({&lists[i].name, &resolved[i]});
  auto substitute = [&](const std::string& text) {
    std::vector<bool> used;
    std::string r = condition::substitute_lists(text, list_texts, used);
    for (size_t i = 0; i < used.size(); ++i)
      if (used[i]) list_used[i] = true;
    return r;
  };

  // 2. Macros: parse every body (syntax errors are fatal even when unused).
  std::vector<condition::Expr> macro_asts(macros.size());
  std::vector<std::string> macro_texts(macros.size());
  std::unordered_map<std::string, condition::MacroSource> msrc;
  for (size_t i = 0; i < macros.size(); ++i) {
    const auto& m = macros[i];
    macro_texts[i] = substitute(m.condition);
    condition::ParseError perr;
    if (!condition::parse_condition(macro_texts[i], macro_asts[i], perr)) {
      rep.add(Severity::Error, "LOAD_ERR_COMPILE_CONDITION", perr.message, "macro", m.name,
              macro_texts[i] == m.condition ? at_offset(m.cond_loc, m.condition, perr.offset) : m.cond_loc.loc,
              &m.condition);
      return false;
    }
  }
  for (size_t i = 0; i < macros.size(); ++i)
    msrc[macros[i].name] = {&macro_asts[i], macros[i].first_seq, macros[i].last_seq, false};
  condition::MacroExpander expander(msrc);
  for (const auto& m : macros) {
    condition::ExpandError err;
    if (!expander.expand_macro(m.name, err)) {
      const MacroDef* where = err.macro.empty() ? &m : nullptr;
      if (!where)
        for (const auto& x : macros)
          if (x.name == err.macro) where = &x;
      if (!where) where = &m;
      rep.add(Severity::Error, "LOAD_ERR_VALIDATE", err.message, "macro", where->name, where->cond_loc.loc);
      return false;
    }
  }

  // 3. Rules.
  const auto& rule_defs = store.rules();
  for (const auto& r : rule_defs) {
    const SourceFields* src = nullptr;
    for (const auto& s : sources)
      if (s.name == r.source) src = &s;
    if (!src) {
      rep.add(Severity::Warning, "LOAD_UNKNOWN_SOURCE", "Unknown source " + r.source + ", skipping", "rule", r.name, r.loc);
      continue;
    }
    condition::FilterCompiler compiler(*src->fields, types);
    CompiledRule cr;
    RuleInfo& info = cr.info;
    info.name = r.name;
    info.desc = r.desc;
    info.condition = r.condition;
    info.output = r.output;
    info.priority = r.priority;
    info.source = r.source;
    info.tags = r.tags;
    info.enabled_in_file = r.enabled;
    info.capture = r.capture;
    info.capture_duration = r.capture_duration;
    info.warn_evttypes = r.warn_evttypes;
    info.skip_if_unknown_filter = r.skip_if_unknown_filter;
    info.file = r.loc.file;
    info.line = r.loc.line;

    for (const auto& ex : r.exceptions) {
      for (const auto& f : ex.fields) {
        info.exception_fields.insert(f);
        if (!compiler.valid_lhs(f)) {
          rep.add(Severity::Error, "LOAD_ERR_VALIDATE", "'" + f + "' is not a supported filter field", "rule", r.name,
                  ex.loc);
          return false;
        }
      }
    }
    std::string text, err;
    if (!condition_with_exceptions(r, text, err)) {
      rep.add(Severity::Error, "LOAD_ERR_VALIDATE", err, "rule", r.name, r.loc);
      return false;
    }
    std::string final_text = substitute(text);
    auto loc_of = [&](uint32_t off) {
      return final_text == r.condition ? at_offset(r.cond_loc, r.condition, off) : r.cond_loc.loc;
    };
    condition::Expr ast;
    condition::ParseError perr;
    if (!condition::parse_condition(final_text, ast, perr)) {
      rep.add(Severity::Error, "LOAD_ERR_COMPILE_CONDITION", perr.message, "rule", r.name, loc_of(perr.offset),
              &r.condition);
      return false;
    }
    condition::ExpandError xerr;
    if (!expander.expand_rule(ast, xerr)) {
      rep.add(Severity::Error, "LOAD_ERR_VALIDATE", xerr.message, "rule", r.name, loc_of(xerr.offset), &r.condition);
      return false;
    }
    // Later passes recurse over the tree: bound the depth that macro inlining can build up.
    if (tree_depth(ast) > 2 * condition::kMaxNestingDepth) {
      rep.add(Severity::Error, "LOAD_ERR_COMPILE_CONDITION",
              "condition nesting exceeds " + std::to_string(2 * condition::kMaxNestingDepth) +
                  " levels after macro expansion",
              "rule", r.name, r.cond_loc.loc, &r.condition);
      return false;
    }
    std::vector<condition::CompileMessage> msgs;
    cr.filter = compiler.compile(ast, msgs);
    bool skip = false;
    for (auto& m : msgs) {
      if (m.error) {
        if (m.unknown_filter && r.skip_if_unknown_filter) {
          rep.add(Severity::Warning, "LOAD_UNKNOWN_FILTER", "Rule has been skipped: " + m.message, "rule", r.name,
                  loc_of(m.offset), &r.condition);
          skip = true;
          break;
        }
        rep.add(Severity::Error, "LOAD_ERR_COMPILE_CONDITION", m.message, "rule", r.name, loc_of(m.offset),
                &r.condition);
        return false;
      }
      rep.add(Severity::Warning, m.code, m.message, "rule", r.name, loc_of(m.offset), &r.condition);
    }
    if (skip) continue;
    if (!cr.filter) {
      rep.add(Severity::Error, "LOAD_ERR_COMPILE_CONDITION", "condition could not be compiled", "rule", r.name, r.loc);
      return false;
    }
    info.compiled_condition = condition::to_string(ast);
    condition::collect_compared_literals(ast, info.compared_literals);
    const eval::EventCodeSet derived = condition::derive_event_types(ast, types);
    info.event_types = types.names(derived);
    info.all_event_types = derived.count() > 100;
    cr.source = static_cast<uint32_t>(src - sources.data());
    cr.codes = index_codes(r.source, derived, types);
    if (r.source == "syscall" && info.all_event_types && r.warn_evttypes) {
      rep.add(Severity::Warning, "LOAD_NO_EVTTYPE",
              "Rule matches too many evt.type values. This has a significant performance penalty.", "rule", r.name,
              r.cond_loc.loc);
    }

    // Output (§D.1).
    std::string out_text = r.output;
    for (auto p = out_text.find("%container.info"); p != std::string::npos; p = out_text.find("%container.info")) {
      out_text.erase(p, std::string("%container.info").size());
      rep.add(Severity::Warning, "LOAD_DEPRECATED_ITEM",
              "%container.info is deprecated and has been removed from the rule output", "rule", r.name, r.loc);
    }
    for (const auto& x : extras) {
      if (!x.source.empty() && x.source != r.source) continue;
      if (!x.rule.empty() && x.rule != r.name) continue;
      if (!std::includes(r.tags.begin(), r.tags.end(), x.tags.begin(), x.tags.end())) continue;
      if (!x.format.empty()) out_text += " " + x.format;
      for (const auto& [name, format] : x.fields) info.extra_output_fields[name] = format;
    }
    std::string dep;
    if (is_deprecated_output_field(out_text, dep))
      rep.add(Severity::Warning, "LOAD_DEPRECATED_ITEM",
              "usage of deprecated field '" + dep + "' has been detected in the rule output", "rule", r.name, r.loc);
    info.output = out_text;
    cr.output = std::make_unique<output::OutputFormat>();
    std::string oerr;
    bool unknown = false;
    auto transformers = [&compiler](const std::string& expr, std::string& terr) -> eval::SourcePtr {
      condition::Operand o;
      condition::ParseError perr;
      if (!condition::parse_operand(expr, o, perr)) {
        terr = perr.message;
        return nullptr;
      }
      return compiler.compile_value(o, terr);
    };
    if (!cr.output->compile(out_text, *src->fields, oerr, unknown, transformers)) {
      if (unknown && r.skip_if_unknown_filter) {
        rep.add(Severity::Warning, "LOAD_UNKNOWN_FILTER", "Rule has been skipped: " + oerr, "rule", r.name, r.loc);
        continue;
      }
      rep.add(Severity::Error, "LOAD_ERR_COMPILE_OUTPUT", oerr, "rule", r.name, r.loc);
      return false;
    }
    for (const auto& [name, format] : info.extra_output_fields) {
      auto f = std::make_unique<output::OutputFormat>();
      if (!f->compile(format, *src->fields, oerr, unknown, transformers)) {
        rep.add(Severity::Error, "LOAD_ERR_COMPILE_OUTPUT", "extra output field '" + name + "': " + oerr, "rule",
                r.name, r.loc);
        return false;
      }
      cr.extra_fields.emplace_back(name, std::move(f));
    }
    out.push_back(std::move(cr));
  }

  // 4. Unused lists and macros, over everything loaded so far.
  for (size_t i = 0; i < macros.size(); ++i) {
    if (!msrc[macros[i].name].used)
      rep.add(Severity::Warning, "LOAD_UNUSED_MACRO", "Macro not referred to by any other rule/macro", "macro",
              macros[i].name, macros[i].loc);
  }
  for (size_t i = 0; i < lists.size(); ++i) {
    if (!list_used[i])
      rep.add(Severity::Warning, "LOAD_UNUSED_LIST", "List not referred to by any other rule/macro", "list",
              lists[i].name, lists[i].loc);
  }
  return true;
}

}  // namespace vigil::engine::rules
