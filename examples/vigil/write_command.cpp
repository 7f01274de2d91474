// vigil [-e IN] -w OUT [--sysdig-compat] [-z] [--raw]: rewrite a capture or record a live one.
#include <cinttypes>
#include <cstdio>

#include "commands.h"
#include "event_session.h"
#include "source_report.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/capture/scap_writer.h"

namespace vigil::cli {

int run_write(const CliOptions& options) {
  auto session = EventSession::open(options, options.raw ? capture::ReadMode::Raw : capture::ReadMode::Normalized,
                                     capture::InterestSet{});
  if (!session) {
    std::fprintf(stderr, "vigil: %s\n", session.error().to_string().c_str());
    return 1;
  }
  EventSession& s = **session;
  capture::WriterOptions wopts;
  wopts.format = options.sysdig_compat ? capture::WriteFormat::Sysdig029 : capture::WriteFormat::Newest;
  wopts.compress = options.compress;
  // A raw read still carries the capture's own enter events; only newer layouts need one made up.
  wopts.enter_restore = options.raw ? capture::EnterRestore::NewerLayoutsOnly : capture::EnterRestore::AllSyscallExits;
  auto writer = capture::ScapWriter::create(options.output, wopts);
  if (!writer) {
    std::fprintf(stderr, "vigil: %s\n", writer.error().to_string().c_str());
    return 1;
  }
  capture::EventSource& source = s.source();
  if (Status st = (*writer)->write_metadata(source.metadata()); !st.ok()) {
    std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
    return 1;
  }
  uint32_t generation = source.metadata_generation();
  uint32_t sections_merged = 0;
  uint64_t section_events = 0;

  capture::EventView event;
  capture::NextStatus status;
  while ((status = s.next(event)) == capture::NextStatus::Event) {
    if (source.metadata_generation() != generation) {
      generation = source.metadata_generation();
      // A new input section becomes a new output section with its own metadata; a section
      // without events cannot end, so its successor's metadata replaces nothing and is merged.
      if (section_events != 0) {
        if (Status st = (*writer)->start_section(source.metadata()); !st.ok()) {
          std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
          return 1;
        }
        section_events = 0;
      } else {
        ++sections_merged;
      }
    }
    if (Status st = (*writer)->write_event(event); !st.ok()) {
      std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
      return 1;
    }
    ++section_events;
  }
  const int code = report_source_end(source, status, s.name());
  if (Status st = (*writer)->close(); !st.ok()) {
    std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
    return 1;
  }
  const capture::ScapWriter& w = **writer;
  if (w.events_skipped() != 0 || w.enter_events_added() != 0)
    std::fprintf(stderr, "vigil: %s: %" PRIu64 " events written, %" PRIu64 " skipped (no %s layout or syscall code), %" PRIu64
                 " enter events restored\n", options.output.c_str(), w.events_written(), w.events_skipped(),
                 options.sysdig_compat ? "sysdig 0.29.3" : "output", w.enter_events_added());
  if (s.live())
    std::fprintf(stderr, "vigil: %s: %" PRIu64 " events, %" PRIu64 " drops, %" PRIu64 " written to %s\n",
                 s.name().c_str(), source.stats().events, source.stats().dropped, w.events_written(),
                 options.output.c_str());
  if (w.fd_lists_dropped() != 0)
    std::fprintf(stderr, "vigil: %s: %" PRIu64 " fd lists of processes missing from the process list left out\n",
                 options.output.c_str(), w.fd_lists_dropped());
  if (sections_merged != 0)
    std::fprintf(stderr, "vigil: %s: %u sections without events merged into the next one\n", s.name().c_str(),
                 sections_merged);
  return code;
}

}  // namespace vigil::cli
