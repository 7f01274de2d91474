// Reads a capture with the installed vigil package and prints how many events it holds.
#include <cstdio>

#include "vigil/capture/event_schema.h"

int main() {
  const auto& schema = vigil::capture::EventSchema::newest();
  std::printf("vigil schema: %zu event types, %zu flag tables\n", schema.size(), schema.flag_tables().size());
  return schema.size() == 454 ? 0 : 1;
}
