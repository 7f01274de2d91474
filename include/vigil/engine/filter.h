// Filter: one condition of the Falco rules language (rules-language.md §B), compiled on its own
// and evaluated on events, without writing a rules file. This is what `vigil --print FILTER`
// uses; embedders use it the same way:
//
//   auto filter = vigil::engine::Filter::compile("evt.type = open and fd.name startswith /etc",
//                                                inspector.fields());
//   if (!filter) fail(filter.error().to_string());       // error.column points at the problem
//   for each event: if (filter->matches(event.type(), inspector.process(event))) ...
//
// A filter that should use the lists and macros of loaded rules files comes from
// Engine::compile_filter() instead.
//
// Thread safety: evaluation uses scratch buffers inside the filter, so one thread at a time per
// Filter (compile one per thread). Filters are independent of each other and of any Engine;
// movable, not copyable.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/engine/diagnostic.h"
#include "vigil/inspect/field.h"

namespace vigil::engine {

struct FilterOptions {
  // As for rules (§E.5): enter events of syscalls that also have an exit event never match, so
  // a filter sees one event per syscall. false: every event is tested.
  bool exit_events_only = true;
};

class Filter {
 public:
  // Compiles `condition` against `fields` (which must outlive the filter). Lists and macros are
  // not available here; a bare identifier is an undefined macro. On error, the Error's line and
  // column (1-based) locate the problem in `condition`.
  static Result<Filter> compile(std::string_view condition, const inspect::FieldRegistry& fields,
                                FilterOptions options = {});

  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  // True when the event satisfies the condition. No allocation; fields are extracted only as the
  // short-circuit evaluation needs them.
  bool matches(uint16_t event_type, const inspect::EventContext& ctx) const;

  // Event types the condition can match (§C.1), as names; empty when it can match none.
  std::vector<std::string> event_types() const;
  // The compiled condition in canonical form (§B.9), macros and lists expanded.
  const std::string& canonical() const;
  // Non-fatal findings of the compiler (deprecated fields, values that look like fields, ...).
  const std::vector<Diagnostic>& warnings() const;

  struct Compiled;  // implementation detail

 private:
  explicit Filter(std::unique_ptr<Compiled> c);
  friend class Engine;
  std::unique_ptr<Compiled> c_;
};

}  // namespace vigil::engine
