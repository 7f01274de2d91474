// vigil -e FILE --print [-p FORMAT] [--raw] [--internal]
#include <cinttypes>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "source_report.h"
#include "vigil/capture/event_format.h"
#include "vigil/capture/scap_reader.h"

namespace vigil::cli {
namespace {

// sysdig -D hides nothing but state-only records; without --raw vigil also hides the internal
// bookkeeping events (scap-format.md §17) unless --internal asks for them.
bool shown(const capture::EventView& event, const CliOptions& options, capture::DisplaySchema schema) {
  if (event.dump_flags() & capture::kDumpStateOnly) return false;
  if (options.raw || options.internal) return true;
  const capture::EventSchema* s = capture::display_schema(event, schema);
  const capture::EventInfo* info = s ? s->find(event.type()) : nullptr;
  return !info || (info->category & capture::kCatInternal) == 0;
}

}  // namespace

int run_print(const CliOptions& options) {
  auto format = capture::EventFormat::parse(options.format.empty() ? capture::kDefaultEventFormat
                                                                    : std::string_view(options.format));
  if (!format) {
    std::fprintf(stderr, "vigil: -p: column %u: %s\n", format.error().column, format.error().message.c_str());
    return 2;
  }
  capture::ReaderOptions ropts;
  ropts.mode = options.raw ? capture::ReadMode::Raw : capture::ReadMode::Normalized;
  auto reader = capture::ScapReader::open(options.input, ropts);
  if (!reader) {
    std::fprintf(stderr, "vigil: %s\n", reader.error().to_string().c_str());
    return 1;
  }

  static char stdout_buffer[1 << 20];
  std::setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
  capture::RenderOptions render;
  render.schema = options.raw ? capture::DisplaySchema::Sysdig029 : capture::DisplaySchema::Newest;
  auto line = std::make_unique<capture::FixedText<1 << 20>>();

  capture::EventView event;
  capture::NextStatus status;
  uint64_t cut_lines = 0;
  while ((status = (*reader)->next(event)) == capture::NextStatus::Event) {
    if (!shown(event, options, render.schema)) continue;
    line->clear();
    if (!format->render(event, render, *line)) continue;
    cut_lines += line->truncated();
    std::fwrite(line->view().data(), 1, line->size(), stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
  if (cut_lines != 0)
    std::fprintf(stderr, "vigil: %" PRIu64 " lines longer than %zu bytes were cut\n", cut_lines, line->capacity());
  return report_source_end(**reader, status, options.input);
}

}  // namespace vigil::cli
