// Small helpers shared by the extractors. Internal to libinspect.
#pragma once

#include <string>
#include <string_view>

#include "fields/field_table.h"
#include "vigil/inspect/inspector.h"

namespace vigil::inspect::detail {

inline bool put_str(FieldValues& out, std::string_view s) {
  FieldValue& v = out.add();
  v.type = FieldType::CharBuf;
  v.str = s;
  return true;
}
inline bool put_bytes(FieldValues& out, std::string_view s) {
  FieldValue& v = out.add();
  v.type = FieldType::ByteBuf;
  v.str = s;
  return true;
}
inline bool put_i64(FieldValues& out, int64_t x, FieldType type = FieldType::Int64) {
  FieldValue& v = out.add();
  v.type = type;
  v.i64 = x;
  return true;
}
inline bool put_u64(FieldValues& out, uint64_t x, FieldType type = FieldType::Uint64) {
  FieldValue& v = out.add();
  v.type = type;
  v.u64 = x;
  return true;
}
inline bool put_bool(FieldValues& out, bool b) {
  FieldValue& v = out.add();
  v.type = FieldType::Bool;
  v.b = b;
  return true;
}
inline bool put_double(FieldValues& out, double d) {
  FieldValue& v = out.add();
  v.type = FieldType::Double;
  v.f64 = d;
  return true;
}
inline bool put_ip(FieldValues& out, const std::array<uint8_t, 16>& addr, bool v6, FieldType type = FieldType::IpAddr) {
  FieldValue& v = out.add();
  v.type = type;
  v.ip.family = v6 ? 6 : 4;
  v.ip.addr = addr;
  v.ip.prefix_len = v6 ? 128 : 32;
  return true;
}

// Joins `items` with `sep` into the context's scratch and returns a view of it.
template <typename Range>
std::string_view join(const EventContext& ctx, const Range& items, std::string_view sep) {
  std::string& s = ctx.scratch();
  s.clear();
  bool first = true;
  for (const auto& item : items) {
    if (!first) s += sep;
    s += item;
    first = false;
  }
  return s;
}

// The syscall's return value: the first exit parameter when it is "res" or a created "fd".
bool syscall_result(const EventContext& ctx, int64_t& res);

// Event text (libinspect/fields/event_text.cpp); the views live in the context's scratch.
// evt.args: "name=value(resolved) ..." in the display schema the inspector was set up with.
std::string_view render_event_args(const EventContext& ctx);
// One parameter, by name (or by index when `name` is empty), as evt.arg shows it.
std::string_view render_event_arg(const EventContext& ctx, std::string_view name, int64_t index, bool& found);
// evt.type: the event name, or the syscall a generic event stands for.
std::string_view event_type_text(const EventContext& ctx);
// The raw rendering of a parameter (evt.rawarg of sockets, fd lists, ...).
std::string_view render_raw_arg(const EventContext& ctx, const capture::ParamInfo& pi, capture::ParamView p, bool& found);

bool extract_evt(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out);
bool extract_proc(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out);
bool extract_fd(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out);
bool extract_user(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out);
bool extract_container(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out);

}  // namespace vigil::inspect::detail
