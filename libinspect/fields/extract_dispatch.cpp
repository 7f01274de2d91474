#include "fields/extract.h"

namespace vigil::inspect::detail {
namespace {

bool extract_nothing(FieldId, const FieldArg&, const EventContext&, FieldValues&) { return false; }

}  // namespace

ExtractFn extractor_for(FieldId) { return &extract_nothing; }

}  // namespace vigil::inspect::detail
