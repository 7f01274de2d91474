// End-of-stream reporting shared by the commands: errors and every skipped record go to stderr.
#pragma once

#include <string>

#include "vigil/capture/event_source.h"

namespace vigil::cli {

// Prints the stream's error (if it failed) and its skip/failure counters when non-zero.
// Returns the exit code: 0 on a clean end of stream, 1 after an error.
int report_source_end(const capture::EventSource& source, capture::NextStatus last, const std::string& name);

}  // namespace vigil::cli
