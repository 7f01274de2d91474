// Event-type derivation, rules-language.md §C.1: the set of event codes on which a condition can
// possibly be true. Used to index rules and for the "too many evt.type values" warning.
#pragma once

#include "condition/ast.h"
#include "condition/event_type_names.h"

namespace vigil::engine::condition {

// `e` must be fully macro-expanded. Unknown event names contribute nothing (the compiler reports
// them).
eval::EventCodeSet derive_event_types(const Expr& e, const EventTypeNames& names);

}  // namespace vigil::engine::condition
