// evt.args / evt.arg text: each parameter as sysdig prints it, with fds decorated by their state.
#include <cinttypes>
#include <cstdio>

#include "fields/extract_util.h"
#include "fields/names.h"
#include "state/inspector_impl.h"

namespace vigil::inspect::detail {

using capture::ParamType;
using capture::ParamView;

void render_fd(const EventContext& ctx, int64_t fd, std::string& out) {
  out += std::to_string(fd);
  if (fd < 0) {
    std::string_view e = errno_name(fd);
    if (!e.empty()) {
      out += '(';
      out += e;
      out += ')';
    }
    return;
  }
  const ThreadState* t = ctx.thread();
  const FdState* st = t ? t->files->fds.find(fd) : nullptr;
  if (!st) return;
  out += "(<";
  out += st->type_char();
  out += '>';
  out += st->name;
  out += ')';
}

bool render_event_arg(const EventContext& ctx, uint32_t index, std::string& out) {
  const capture::EventView& ev = ctx.event();
  const capture::EventInfo* info = ev.info();
  if (!info || index >= info->params.size() || index >= ev.nparams()) return false;
  const capture::ParamInfo& pi = info->params[index];
  ParamView p = ev.param(index);
  char buf[64];
  switch (pi.type) {
    case ParamType::Fd:
    case ParamType::Fd32:
      render_fd(ctx, p.as_i64(), out);
      return true;
    case ParamType::Errno: {
      const int64_t v = p.as_i64();
      out += std::to_string(v);
      if (v < 0) {
        std::string_view e = errno_name(v);
        if (!e.empty()) {
          out += '(';
          out += e;
          out += ')';
        }
      }
      return true;
    }
    case ParamType::Int8: case ParamType::Int16: case ParamType::Int32: case ParamType::Int64:
    case ParamType::Pid: case ParamType::Pid32:
      out += std::to_string(p.as_i64());
      return true;
    case ParamType::CharBuf: case ParamType::FsPath: case ParamType::FsRelPath:
      out += p.as_string();
      return true;
    case ParamType::ByteBuf:
      for (uint8_t c : p.bytes()) out += (c >= 32 && c < 127) ? static_cast<char>(c) : '.';
      return true;
    default:
      if (pi.format == capture::PrintFormat::Hex) {
        std::snprintf(buf, sizeof buf, "%" PRIX64, p.as_u64());
        out += buf;
      } else {
        out += std::to_string(p.as_u64());
      }
      return true;
  }
}

void render_event_args(const EventContext& ctx, std::string& out) {
  const capture::EventView& ev = ctx.event();
  const capture::EventInfo* info = ev.info();
  if (!info) return;
  const uint32_t n = std::min<uint32_t>(ev.nparams(), static_cast<uint32_t>(info->params.size()));
  for (uint32_t i = 0; i < n; ++i) {
    if (i) out += ' ';
    out += info->params[i].name;
    out += '=';
    render_event_arg(ctx, i, out);
  }
}

}  // namespace vigil::inspect::detail
