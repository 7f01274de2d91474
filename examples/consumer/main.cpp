// A minimal out-of-tree program using only the installed vigil package. Without arguments it
// prints the size of the compiled event schema. With `CAPTURE RULES` it replays the capture
// through an Inspector and an Engine loaded with the rules file and prints one alert per line
// (JSON), the way an application embedding vigil would: this exercises the capture, inspect and
// engine layers' public API across the package boundary (shared libraries export only that API).
#include <cstdio>

#include "vigil/capture/event_schema.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/engine/engine.h"
#include "vigil/inspect/inspector.h"

namespace {

int replay(const char* capture, const char* rules) {
  vigil::inspect::Inspector inspector;
  vigil::engine::Engine engine(inspector.fields());
  const vigil::engine::LoadResult loaded = engine.load_file(rules);
  for (const auto& d : loaded.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
  if (!loaded.ok) return 2;
  auto reader = vigil::capture::ScapReader::open(capture);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.error().to_string().c_str());
    return 2;
  }
  if (vigil::Status st = inspector.seed((*reader)->metadata()); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.error().to_string().c_str());
    return 2;
  }
  vigil::capture::EventView event;
  size_t events = 0, alerts = 0;
  while ((*reader)->next(event) == vigil::capture::NextStatus::Event) {
    ++events;
    const vigil::inspect::EventContext& ctx = inspector.process(event);
    for (const vigil::engine::Match& m : engine.evaluate(event.type(), ctx)) {
      std::printf("%s\n", engine.alert(m, ctx, event.ts(), "consumer").to_json().c_str());
      ++alerts;
    }
  }
  std::fprintf(stderr, "vigil consumer: %zu events, %zu alerts\n", events, alerts);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3) return replay(argv[1], argv[2]);
  const auto& schema = vigil::capture::EventSchema::newest();
  std::printf("vigil schema: %zu event types, %zu flag tables\n", schema.size(), schema.flag_tables().size());
  return schema.size() == 454 ? 0 : 1;
}
