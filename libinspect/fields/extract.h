// Extraction entry points, one per field class. Internal to libinspect.
#pragma once

#include "fields/field_table.h"

namespace vigil::inspect::detail {

// Fills `out` with the values of field `id` on the context's event; false means "<NA>".
using ExtractFn = bool (*)(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out);

// The extractor of the class `id` belongs to (decided by the field name's prefix).
ExtractFn extractor_for(FieldId id);

}  // namespace vigil::inspect::detail
