// A minimal out-of-tree program using only the installed vigil package: prints the size of the
// compiled event schema (and, later, reads a capture given on the command line).
#include <cstdio>

#include "vigil/capture/event_schema.h"

int main() {
  const auto& schema = vigil::capture::EventSchema::newest();
  std::printf("vigil schema: %zu event types, %zu flag tables\n", schema.size(), schema.flag_tables().size());
  return schema.size() == 454 ? 0 : 1;
}
