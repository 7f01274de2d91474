#include "vigil/engine/engine_version.h"

namespace vigil::engine {
EngineVersion engine_version() { return {0, 63, 0}; }
}  // namespace vigil::engine
