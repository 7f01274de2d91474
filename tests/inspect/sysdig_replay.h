// Replays a capture through an Inspector and shows each event the way sysdig 0.29.3 would:
// raw records, internal and state-only events hidden, ids unknown to the 2022 schema skipped
// without being numbered.
#pragma once

#include <functional>
#include <string>

#include "vigil/capture/scap_reader.h"
#include "vigil/inspect/inspector.h"

namespace vigil::test {

struct ReplayResult {
  bool opened = false;
  std::string error;
  uint64_t shown = 0;
};

// Calls `visit` for every event sysdig would print, with evt.num renumbered like sysdig.
ReplayResult replay_like_sysdig(const std::string& path, inspect::Inspector& inspector,
                                const std::function<void(const inspect::EventContext&)>& visit);

// Every shared capture sysdig can open (the golden files exist for these).
const std::vector<std::string>& sysdig_captures();

// Sets TZ=UTC so evt.time matches the golden files.
void use_utc();

}  // namespace vigil::test
