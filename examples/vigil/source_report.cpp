#include "source_report.h"

#include <cinttypes>
#include <cstdio>

namespace vigil::cli {

int report_source_end(const capture::EventSource& source, capture::NextStatus last, const std::string& name) {
  const capture::SourceStats stats = source.stats();
  if (stats.skipped_unknown != 0 || stats.decode_failures != 0 || stats.dropped != 0) {
    std::fprintf(stderr,
                 "vigil: %s: %" PRIu64 " events, %" PRIu64 " records with unknown event ids skipped, %" PRIu64
                 " undecodable, %" PRIu64 " dropped\n",
                 name.c_str(), stats.events, stats.skipped_unknown, stats.decode_failures, stats.dropped);
  }
  if (last == capture::NextStatus::Failed) {
    std::fprintf(stderr, "vigil: %s\n", source.error().to_string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace vigil::cli
