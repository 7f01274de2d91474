// One-line event rendering driven by a sysdig-style format string ("-p" in sysdig and vigil).
//
//   auto format = EventFormat::parse("%evt.num %evt.time %evt.type %evt.args");
//   FixedText<65536> line;
//   if (format->render(event, {}, line)) puts(line.view());
//
// Fields this layer can render without process state:
//   %evt.num %evt.time %evt.outputtime %evt.datetime %evt.rawtime %evt.rawtime.s
//   %evt.rawtime.ns %evt.cpu %evt.dir %evt.type %evt.type.id (vigil: the numeric event id)
//   %evt.args %evt.arg.NAME %evt.arg[N] %evt.rawarg.NAME %evt.rawarg[N] %evt.res %evt.rawres
//   %thread.tid
//   %proc.name (asks ParamFormatOptions::resolver for the thread's comm)
// As in sysdig, a line is produced only when every field exists for the event (an exit-only
// field on an enter event, an argument the event lacks, a name nobody can resolve); a format
// starting with '*' always produces the line and shows missing fields as "<NA>".
//
// Parsing allocates; rendering does not. A parsed EventFormat is immutable and may be shared
// between threads; each thread renders into its own TextBuffer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/capture/event.h"
#include "vigil/capture/event_schema.h"
#include "vigil/capture/param_format.h"
#include "vigil/common/result.h"

namespace vigil::capture {

// Which table describes an event's parameters when it is printed.
enum class DisplaySchema : uint8_t {
  Newest,     // always the newest schema (the one EventView::info() points into)
  Sysdig029,  // the 2022 table for ids it knows, as sysdig 0.29.3 shows them (raw mode)
};

// Picks the schema that describes `event` for display. With Sysdig029, ids below 336 whose
// record holds no more parameters than the 2022 layout use libs_0_29(); everything else uses
// newest(). Returns nullptr for ids neither table knows.
const EventSchema* display_schema(const EventView& event, DisplaySchema choice);

struct RenderOptions {
  DisplaySchema schema = DisplaySchema::Newest;
  ParamFormatOptions params;
};

// The sysdig default line: "*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid)
// %evt.dir %evt.type %evt.args".
inline constexpr std::string_view kDefaultEventFormat =
    "*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.args";

class EventFormat {
 public:
  // Fails with a message naming the column of the first unknown field.
  static Result<EventFormat> parse(std::string_view format);

  // Appends the line for `event` (no newline). Returns false, leaving `out` in an unspecified
  // state, when a field is missing and the format did not start with '*'.
  bool render(const EventView& event, const RenderOptions& options, TextBuffer& out) const;

  bool shows_missing_fields() const { return all_lines_; }

  enum class Field : uint8_t {
    Literal, Num, Time, DateTime, RawTime, RawTimeS, RawTimeNs, Cpu, Dir, Type, TypeId, Args, Arg,
    RawArg, Res, RawRes, Tid, ProcName,
  };
  struct Token {
    Field field;
    std::string text;       // literal text, or the argument name (or position) of Arg/RawArg
    bool by_index = false;  // %evt.arg[N]: `text` holds N
  };

 private:
  std::vector<Token> tokens_;
  bool all_lines_ = false;
};

}  // namespace vigil::capture
