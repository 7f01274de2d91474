// vigil [-e FILE] --print [-p FORMAT] [--raw] [--internal] [FILTER]
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <optional>

#include "commands.h"
#include "event_session.h"
#include "source_report.h"
#include "vigil/capture/event_format.h"
#include "vigil/engine/engine.h"
#include "vigil/inspect/formatter.h"
#include "vigil/inspect/inspector.h"

namespace vigil::cli {
namespace {

// sysdig -D hides nothing but state-only records; without --raw vigil also hides the internal
// bookkeeping events (scap-format.md §17) unless --internal asks for them.
bool shown(const capture::EventView& event, const CliOptions& options, capture::DisplaySchema schema, bool live) {
  if (event.dump_flags() & capture::kDumpStateOnly) return false;
  if (options.raw) return true;
  if (live && is_paired_enter(event)) return false;
  if (options.internal) return true;
  const capture::EventSchema* s = capture::display_schema(event, schema);
  const capture::EventInfo* info = s ? s->find(event.type()) : nullptr;
  return !info || (info->category & capture::kCatInternal) == 0;
}

// A YAML double-quoted scalar holding `text`.
std::string yaml_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out + "\"";
}

// The trailing filter becomes the condition of a one-rule ruleset in an engine of its own, so it
// is parsed, checked and evaluated exactly as a rule's condition would be.
Status compile_filter(engine::Engine& engine, const std::string& filter) {
  const std::string yaml = "- rule: command line filter\n  desc: the events vigil --print shows\n  condition: " +
                           yaml_quoted(filter) + "\n  output: matched\n  priority: DEBUG\n";
  const engine::LoadResult r = engine.load_string(yaml, "filter");
  for (const engine::Diagnostic& d : r.diagnostics) {
    if (d.severity != engine::Severity::Error) continue;
    Error e;
    e.message = "invalid filter '" + filter + "': " + d.message;
    return e;
  }
  if (!r.ok || engine.rules().size() != 1) {
    Error e;
    e.message = "invalid filter '" + filter + "'";
    return e;
  }
  return {};
}

}  // namespace

int run_print(const CliOptions& options) {
  const capture::DisplaySchema display = options.raw ? capture::DisplaySchema::Sysdig029 : capture::DisplaySchema::Newest;
  inspect::InspectorOptions iopts;
  iopts.display = display;
  inspect::Inspector inspector(iopts);

  // The stateless formats keep their sysdig-exact rendering; any other field goes through the
  // inspector's field registry.
  const std::string_view format_text =
      options.format.empty() ? capture::kDefaultEventFormat : std::string_view(options.format);
  auto simple = capture::EventFormat::parse(format_text);
  std::optional<inspect::Formatter> rich;
  if (!simple) {
    auto compiled = inspect::Formatter::compile(format_text, inspector.fields());
    if (!compiled) {
      std::fprintf(stderr, "vigil: -p: column %u: %s\n", simple.error().column, simple.error().message.c_str());
      return 2;
    }
    rich.emplace(std::move(*compiled));
  }

  std::unique_ptr<engine::Engine> filter;
  if (!options.filter.empty()) {
    filter = std::make_unique<engine::Engine>(inspector.fields());
    if (Status st = compile_filter(*filter, options.filter); !st.ok()) {
      std::fprintf(stderr, "vigil: %s\n", st.error().message.c_str());
      return 2;
    }
  }

  auto session = EventSession::open(options, options.raw ? capture::ReadMode::Raw : capture::ReadMode::Normalized,
                                     capture::InterestSet{});
  if (!session) {
    std::fprintf(stderr, "vigil: %s\n", session.error().to_string().c_str());
    return 1;
  }
  EventSession& s = **session;
  const auto origin = s.live() ? inspect::StateOrigin::LiveHost : inspect::StateOrigin::Recording;
  if (Status st = inspector.seed(s.source().metadata(), origin); !st.ok()) {
    std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
    return 1;
  }

  static char stdout_buffer[1 << 20];
  // Live output is line-buffered so it shows as it happens.
  std::setvbuf(stdout, stdout_buffer, s.live() ? _IOLBF : _IOFBF, sizeof stdout_buffer);
  capture::RenderOptions render;
  render.schema = display;
  render.params.resolver = &inspector.param_resolver();
  auto line = std::make_unique<capture::FixedText<1 << 20>>();
  std::string rich_line;

  capture::EventView event;
  capture::NextStatus status;
  uint64_t cut_lines = 0;
  while ((status = s.next(event)) == capture::NextStatus::Event) {
    const inspect::EventContext& ctx = inspector.process(event);
    if (!shown(event, options, render.schema, s.live())) continue;
    if (filter && filter->evaluate(event.type(), ctx).empty()) continue;
    if (rich) {
      rich_line.clear();
      if (!rich->format(ctx, rich_line)) continue;
      std::fwrite(rich_line.data(), 1, rich_line.size(), stdout);
    } else {
      line->clear();
      if (!simple->render(event, render, *line)) continue;
      cut_lines += line->truncated();
      std::fwrite(line->view().data(), 1, line->size(), stdout);
    }
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
  if (cut_lines != 0)
    std::fprintf(stderr, "vigil: %" PRIu64 " lines longer than %zu bytes were cut\n", cut_lines, line->capacity());
  const int code = report_source_end(s.source(), status, s.name());
  if (s.live()) {
    const capture::SourceStats st = s.source().stats();
    std::fprintf(stderr, "vigil: %s: %" PRIu64 " events, %" PRIu64 " drops\n", s.name().c_str(), st.events,
                 st.dropped);
  }
  return code;
}

}  // namespace vigil::cli
