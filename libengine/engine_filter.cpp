#include "engine_filter.h"

#include <unordered_map>

#include "condition/event_type_deriver.h"
#include "condition/filter_compiler.h"
#include "condition/list_substitution.h"
#include "condition/macro_expander.h"
#include "condition/parser.h"
#include "rules/rule_compiler.h"

namespace vigil::engine {
namespace {

// 1-based line and column of `offset` in `text`.
Error located(std::string message, std::string_view text, uint32_t offset) {
  Error e;
  e.message = std::move(message);
  e.line = 1;
  e.column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++e.line;
      e.column = 1;
    } else {
      ++e.column;
    }
  }
  return e;
}

// The lists and macros of loaded rules files, ready for one condition.
struct Definitions {
  std::vector<std::vector<std::string>> list_items;
  std::vector<condition::ListText> list_texts;
  std::vector<condition::Expr> macro_asts;
  std::unordered_map<std::string, condition::MacroSource> macros;

  explicit Definitions(const rules::RuleStore* store) {
    if (!store) return;
    std::vector<bool> unused;
    list_items = rules::resolve_lists(store->lists(), unused);
    for (size_t i = 0; i < list_items.size(); ++i) list_texts.push_back({&store->lists()[i].name, &list_items[i]});
    const auto& defs = store->macros();
    macro_asts.resize(defs.size());
    for (size_t i = 0; i < defs.size(); ++i) {
      std::vector<bool> used;
      const std::string text = condition::substitute_lists(defs[i].condition, list_texts, used);
      condition::ParseError perr;
      const bool parsed = condition::parse_condition(text, macro_asts[i], perr);
      // A macro that does not parse is unusable, as if undefined; loading already reported it.
      macros[defs[i].name] = {parsed ? &macro_asts[i] : nullptr, defs[i].first_seq, defs[i].last_seq, false};
    }
  }
};

}  // namespace

Result<std::unique_ptr<Filter::Compiled>> build_filter(std::string_view condition, const inspect::FieldRegistry& fields,
                                                       const condition::EventTypeNames& types,
                                                       const rules::RuleStore* definitions, FilterOptions options) {
  Definitions defs(definitions);
  std::vector<bool> used;
  const std::string text = defs.list_texts.empty() ? std::string(condition)
                                                   : condition::substitute_lists(std::string(condition), defs.list_texts, used);
  // Offsets are positions in `text`; they are positions in `condition` only when no list was substituted.
  auto error_at = [&](std::string message, uint32_t offset) -> Error {
    if (text == condition) return located(std::move(message), condition, offset);
    Error e;
    e.message = std::move(message);
    return e;
  };
  condition::Expr ast;
  condition::ParseError perr;
  if (!condition::parse_condition(text, ast, perr)) return error_at(perr.message, perr.offset);
  condition::MacroExpander expander(defs.macros);
  condition::ExpandError xerr;
  if (!expander.expand_rule(ast, xerr)) return error_at(xerr.message, xerr.offset);

  condition::FilterCompiler compiler(fields, types);
  std::vector<condition::CompileMessage> messages;
  auto out = std::make_unique<Filter::Compiled>();
  out->root = compiler.compile(ast, messages);
  for (const auto& m : messages) {
    if (m.error) return error_at(m.message, m.offset);
    Diagnostic d;
    d.severity = Severity::Warning;
    d.code = m.code;
    d.message = m.message;
    d.item_type = "filter";
    const Error where = error_at({}, m.offset);
    d.line = where.line;
    d.column = where.column;
    d.snippet = std::string(condition);
    out->warnings.push_back(std::move(d));
  }
  if (!out->root) return error_at("condition could not be compiled", 0);
  out->canonical = condition::to_string(ast);
  out->event_types = types.names(condition::derive_event_types(ast, types));
  if (options.exit_events_only) out->never = types.paired_enter_events();
  return out;
}

Filter::Filter(std::unique_ptr<Compiled> c) : c_(std::move(c)) {}
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

Result<Filter> Filter::compile(std::string_view condition, const inspect::FieldRegistry& fields, FilterOptions options) {
  const condition::EventTypeNames types;
  auto built = build_filter(condition, fields, types, nullptr, options);
  if (!built) return built.error();
  return Filter(std::move(*built));
}

bool Filter::matches(uint16_t event_type, const inspect::EventContext& ctx) const {
  if (event_type < eval::kMaxEventCodes && c_->never.test(event_type)) return false;
  return c_->root->eval({&ctx, event_type});
}

std::vector<std::string> Filter::event_types() const { return c_->event_types; }
const std::string& Filter::canonical() const { return c_->canonical; }
const std::vector<Diagnostic>& Filter::warnings() const { return c_->warnings; }

}  // namespace vigil::engine
