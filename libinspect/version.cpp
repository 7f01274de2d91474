#include "vigil/inspect/version.h"

namespace vigil::inspect {
std::string_view version() { return VIGIL_VERSION_STRING; }
}  // namespace vigil::inspect
