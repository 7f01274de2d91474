#include "vigil/capture/event_format.h"

#include <cinttypes>
#include <cstdlib>
#include <ctime>

namespace vigil::capture {
namespace {

using Field = EventFormat::Field;

struct NamedField {
  std::string_view name;
  Field field;
};

constexpr NamedField kFields[] = {
    {"evt.num", Field::Num},         {"evt.time", Field::Time},
    {"evt.outputtime", Field::Time}, {"evt.datetime", Field::DateTime},
    {"evt.rawtime", Field::RawTime}, {"evt.rawtime.s", Field::RawTimeS},
    {"evt.rawtime.ns", Field::RawTimeNs}, {"evt.cpu", Field::Cpu},
    {"evt.dir", Field::Dir},         {"evt.type", Field::Type},
    {"evt.type.id", Field::TypeId},  {"evt.args", Field::Args},
    {"evt.res", Field::Res},         {"evt.rawres", Field::RawRes},
    {"thread.tid", Field::Tid},      {"proc.name", Field::ProcName},
};

constexpr std::string_view kArgPrefix = "evt.arg.";
constexpr std::string_view kRawArgPrefix = "evt.rawarg.";
constexpr std::string_view kMissing = "<NA>";

bool field_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

void append_clock(TextBuffer& out, uint64_t ts, bool with_date) {
  // Consecutive events mostly share their second: keep the last conversion per thread.
  struct Clock {
    time_t sec = -1;
    bool with_date = false;
    size_t n = 0;
    char text[48];
  };
  thread_local Clock cache;
  const time_t sec = static_cast<time_t>(ts / 1000000000u);
  if (cache.sec != sec || cache.with_date != with_date) {
    struct tm tm {};
    localtime_r(&sec, &tm);
    cache.n = std::strftime(cache.text, sizeof cache.text, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
    cache.sec = sec;
    cache.with_date = with_date;
  }
  out.append(std::string_view(cache.text, cache.n));
  char frac[11];
  uint64_t ns = ts % 1000000000u;
  frac[0] = '.';
  for (int i = 9; i >= 1; --i, ns /= 10) frac[i] = static_cast<char>('0' + ns % 10);
  out.append(std::string_view(frac, 10));
}

// The value of the "res" parameter, or of "fd" when there is none, for exit events.
bool result_param(const EventView& event, const EventInfo& info, int& index) {
  if (event.direction() != Direction::Exit) return false;
  index = find_param(info, "res");
  if (index < 0) index = find_param(info, "fd");
  return index >= 0 && static_cast<uint32_t>(index) < event.nparams();
}

}  // namespace

const EventSchema* display_schema(const EventView& event, DisplaySchema choice) {
  const uint16_t type = event.type();
  if (choice == DisplaySchema::Sysdig029) {
    const EventSchema& old = EventSchema::libs_0_29();
    if (type < old.size() && event.nparams() <= old[type].nparams()) return &old;
  }
  const EventSchema& newest = EventSchema::newest();
  return type < newest.size() ? &newest : nullptr;
}

Result<EventFormat> EventFormat::parse(std::string_view format) {
  EventFormat out;
  size_t i = 0;
  if (!format.empty() && format[0] == '*') {
    out.all_lines_ = true;
    i = 1;
  }
  std::string literal;
  while (i < format.size()) {
    if (format[i] != '%') {
      literal.push_back(format[i++]);
      continue;
    }
    const size_t start = ++i;
    while (i < format.size() && field_char(format[i])) ++i;
    std::string_view name = format.substr(start, i - start);
    // A trailing '.' belongs to the text ("%evt.type." prints the type then a dot).
    while (!name.empty() && name.back() == '.') {
      name.remove_suffix(1);
      --i;
    }
    Token token{Field::Literal, {}};
    bool known = false;
    // %evt.arg[N] / %evt.rawarg[N]: the parameter at position N.
    if ((name == "evt.arg" || name == "evt.rawarg") && i < format.size() && format[i] == '[') {
      const size_t close = format.find(']', i);
      const std::string_view digits = close == std::string_view::npos ? "" : format.substr(i + 1, close - i - 1);
      if (!digits.empty() && digits.size() <= 3 && digits.find_first_not_of("0123456789") == std::string_view::npos) {
        token = {name == "evt.arg" ? Field::Arg : Field::RawArg, std::string(digits)};
        token.by_index = true;
        known = true;
        i = close + 1;
      }
    } else if (name.starts_with(kArgPrefix) && name.size() > kArgPrefix.size()) {
      token = {Field::Arg, std::string(name.substr(kArgPrefix.size()))};
      known = true;
    } else if (name.starts_with(kRawArgPrefix) && name.size() > kRawArgPrefix.size()) {
      token = {Field::RawArg, std::string(name.substr(kRawArgPrefix.size()))};
      known = true;
    } else {
      for (const NamedField& f : kFields) {
        if (f.name == name) {
          token.field = f.field;
          known = true;
          break;
        }
      }
    }
    if (!known) {
      Error e;
      e.message = "unknown field '%" + std::string(name) + "' in output format";
      e.column = static_cast<uint32_t>(start);  // 1-based column of the %
      return e;
    }
    if (!literal.empty()) out.tokens_.push_back({Field::Literal, std::move(literal)});
    literal.clear();
    out.tokens_.push_back(std::move(token));
  }
  if (!literal.empty()) out.tokens_.push_back({Field::Literal, std::move(literal)});
  return out;
}

bool EventFormat::render(const EventView& event, const RenderOptions& options, TextBuffer& out) const {
  const EventSchema* schema = display_schema(event, options.schema);
  const EventInfo* info = schema ? schema->find(event.type()) : nullptr;
  const ParamContext ctx{schema ? *schema : EventSchema::newest(), event.tid(), options.params};
  const ParamResolver* resolver = options.params.resolver;
  FixedText<16384> resolved;

  for (const Token& t : tokens_) {
    bool present = true;
    switch (t.field) {
      case Field::Literal: out.append(t.text); break;
      case Field::Num: out.append_u64(event.num()); break;
      case Field::Time: append_clock(out, event.ts(), false); break;
      case Field::DateTime: append_clock(out, event.ts(), true); break;
      case Field::RawTime: out.append_u64(event.ts()); break;
      case Field::RawTimeS: out.append_u64(event.ts() / 1000000000u); break;
      case Field::RawTimeNs: out.appendf("%09" PRIu64, event.ts() % 1000000000u); break;
      case Field::Cpu: out.append_u64(event.cpu()); break;
      case Field::Dir: out.push_back(event.direction() == Direction::Exit ? '<' : '>'); break;
      case Field::TypeId: out.append_u64(event.type()); break;
      case Field::Tid: out.append_i64(event.tid()); break;
      case Field::Type: {
        const std::string_view name = info ? event_type_name(event, *info) : std::string_view();
        present = !name.empty();
        out.append(name);
        break;
      }
      case Field::Args:
        if (info) format_event_args(ctx, event, *info, out);
        break;
      case Field::Arg:
      case Field::RawArg: {
        const int index = !info ? -1 : t.by_index ? std::atoi(t.text.c_str()) : find_param(*info, t.text);
        if (info && index >= static_cast<int>(info->params.size())) {
          present = false;
          break;
        }
        if (index < 0 || static_cast<uint32_t>(index) >= event.nparams()) {
          present = false;
          break;
        }
        const ParamView param = event.param(static_cast<uint32_t>(index));
        const ParamInfo& pinfo = info->params[static_cast<size_t>(index)];
        if (t.field == Field::RawArg) {
          present = format_param_raw(param, pinfo, out);
          break;
        }
        ParamContext pctx = ctx;
        if (pinfo.type == ParamType::FsRelPath && pinfo.dirfd_param >= 0 &&
            static_cast<uint32_t>(pinfo.dirfd_param) < event.nparams())
          pctx.dirfd = event.param(static_cast<uint32_t>(pinfo.dirfd_param)).as_i64();
        const size_t mark = out.size();
        resolved.clear();
        format_param(pctx, param, pinfo, out, resolved);
        if (!resolved.empty()) {
          out.shrink(mark);
          out.append(resolved.view());
        }
        break;
      }
      case Field::Res:
      case Field::RawRes: {
        int index = -1;
        if (!info || !result_param(event, *info, index)) {
          present = false;
          break;
        }
        const ParamView param = event.param(static_cast<uint32_t>(index));
        if (t.field == Field::RawRes) {
          out.append_i64(param.as_i64());
        } else if (param.as_i64() >= 0) {
          out.append("SUCCESS");
        } else {
          const size_t mark = out.size();
          resolved.clear();
          format_param(ctx, param, info->params[static_cast<size_t>(index)], out, resolved);
          if (!resolved.empty()) {
            out.shrink(mark);
            out.append(resolved.view());
          }
        }
        break;
      }
      case Field::ProcName:
        present = resolver && resolver->thread_comm(event.tid(), out);
        break;
    }
    if (!present) {
      if (!all_lines_) return false;
      out.append(kMissing);
    }
  }
  return true;
}

}  // namespace vigil::capture
