// Parameter rendering. The rules follow sysdig 0.29.3's sinsp_evt::get_param_as_str as observed
// on real and hand-built captures (see tests/capture/param_format_test.cpp):
//  * numbers follow the parameter's print format, printed through a signed conversion
//    (a u32 of 0xFFFFFFFF shows as -1, PF_HEX is upper case, PF_OCT has a leading 0);
//  * bit-set flags list every table entry whose bits are all set, in table order, removing the
//    bits of each match; an entry equal to the whole value ends the list; zero only matches a
//    zero entry;
//  * strings are cut at their first NUL; paths drop non-printable bytes, byte buffers show
//    them as '.'.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cinttypes>
#include <cstring>
#include <ctime>

#include "vigil/capture/param_format.h"

namespace vigil::capture {
namespace {

bool printable(uint8_t c) { return c >= 0x20 && c < 0x7f; }

// A zero-length parameter means "no value" (scap-format.md §13.3). sysdig 0.29.3 shows an empty
// byte buffer as nothing and an empty socket address as NULL (other empty types make it print
// stale memory); the newest libs show NULL for the composite types and <NA> for the rest.
std::string_view empty_value(ParamType type) {
  switch (type) {
    case ParamType::ByteBuf: return "";
    case ParamType::SockAddr:
    case ParamType::SockTuple:
    case ParamType::FdList:
    case ParamType::Dyn:
    case ParamType::CharBufArray: return "NULL";
    default: return "<NA>";
  }
}

// Integer parameter bits: `bits` zero-extended from the type's width, `as_signed` the value C's
// default promotions give a "%d" conversion of the stored type.
struct IntValue {
  uint64_t bits;
  int64_t as_signed;
};

IntValue int_value(ParamView p, ParamType type) {
  const uint64_t raw = p.as_u64();
  switch (type) {
    case ParamType::Int8: return {static_cast<uint32_t>(static_cast<int8_t>(raw)), static_cast<int8_t>(raw)};
    case ParamType::Int16: return {static_cast<uint32_t>(static_cast<int16_t>(raw)), static_cast<int16_t>(raw)};
    case ParamType::Int32: return {static_cast<uint32_t>(raw), static_cast<int32_t>(raw)};
    case ParamType::Uint8: return {raw & 0xff, static_cast<int64_t>(raw & 0xff)};
    case ParamType::Uint16: return {raw & 0xffff, static_cast<int64_t>(raw & 0xffff)};
    case ParamType::Uint32: return {raw & 0xffffffffu, static_cast<int32_t>(raw)};
    default: return {raw, static_cast<int64_t>(raw)};
  }
}

void append_numeric(TextBuffer& out, PrintFormat format, IntValue v) {
  switch (format) {
    case PrintFormat::Oct: out.appendf("%#" PRIo64, v.bits); break;
    case PrintFormat::Hex: out.appendf("%" PRIX64, v.bits); break;
    case PrintFormat::PaddedDec: out.appendf("%09" PRId64, v.as_signed); break;
    default: out.append_i64(v.as_signed); break;
  }
}

// Appends `s` without its non-printable bytes (sinsp's strcpy_sanitized).
void append_sanitized(TextBuffer& out, std::string_view s) {
  for (char c : s)
    if (printable(static_cast<uint8_t>(c))) out.push_back(c);
}

// Appends `path` normalised the way sinsp joins a relative path to its base: "./" and "."
// vanish, "../" and a final ".." remove the previous component (never past `floor`), repeated
// '/' collapse, a trailing '/' goes, non-printable bytes become '.'.
void append_normalized_path(TextBuffer& out, size_t floor, std::string_view path) {
  size_t i = 0;
  auto rewind = [&](size_t skip) {
    size_t n = out.size();
    if (n > floor + 1) {
      --n;
      while (n > floor + 1 && out.view()[n - 1] != '/') --n;
      out.shrink(n);
    }
    i += skip;
  };
  while (i < path.size()) {
    const char c = path[i];
    const char c1 = i + 1 < path.size() ? path[i + 1] : '\0';
    const char c2 = i + 2 < path.size() ? path[i + 2] : '\0';
    if (!printable(static_cast<uint8_t>(c))) {
      out.push_back('.');
      ++i;
    } else if (c == '.' && c1 == '.' && c2 == '/') {
      rewind(3);
    } else if (c == '.' && c1 == '.') {
      if (c2 == '\0') {
        rewind(2);
      } else {
        out.append("..");
        i += 2;
      }
    } else if (c == '.' && c1 == '/') {
      i += 2;
    } else if (c == '.' && c1 == '\0') {
      ++i;
    } else if (c == '/' && out.size() > floor && out.view()[out.size() - 1] == '/') {
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  if (out.size() > floor + 1 && out.view()[out.size() - 1] == '/') out.shrink(out.size() - 1);
}

void append_ipv4(TextBuffer& out, const uint8_t* a) { out.appendf("%u.%u.%u.%u", a[0], a[1], a[2], a[3]); }

void append_ipv6(TextBuffer& out, const uint8_t* a) {
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, a, text, sizeof text)) out.append(text);
}

bool ipv4_mapped(const uint8_t* a) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a, kPrefix, sizeof kPrefix) == 0;
}

void append_sockaddr(TextBuffer& out, ParamView p) {
  const uint8_t* d = p.data();
  const uint8_t family = d[0];
  if (family == kAfUnix) {
    append_sanitized(out, ParamView(d + 1, p.size() - 1).as_string());
  } else if (family == kAfInet) {
    if (p.size() != 7) return out.append("INVALID IPv4");
    append_ipv4(out, d + 1);
    out.push_back(':');
    out.append_u64(load<uint16_t>(d + 5));
  } else if (family == kAfInet6) {
    if (p.size() != 19) return out.append("INVALID IPv6");
    append_ipv6(out, d + 1);
    out.push_back(':');
    out.append_u64(load<uint16_t>(d + 17));
  } else {
    out.appendf("family %d", static_cast<int>(static_cast<int8_t>(family)));
  }
}

void append_socktuple(TextBuffer& out, ParamView p) {
  const uint8_t* d = p.data();
  const uint8_t family = d[0];
  if (family == kAfInet) {
    if (p.size() != 13) return out.append("INVALID IPv4");
    append_ipv4(out, d + 1);
    out.appendf(":%u->", load<uint16_t>(d + 5));
    append_ipv4(out, d + 7);
    out.appendf(":%u", load<uint16_t>(d + 11));
  } else if (family == kAfInet6) {
    if (p.size() != 37) return out.append("INVALID IPv6");
    const bool mapped = ipv4_mapped(d + 1) && ipv4_mapped(d + 19);
    if (mapped) {
      append_ipv4(out, d + 13);
    } else {
      append_ipv6(out, d + 1);
    }
    out.appendf(":%u->", load<uint16_t>(d + 17));
    if (mapped) {
      append_ipv4(out, d + 31);
    } else {
      append_ipv6(out, d + 19);
    }
    out.appendf(":%u", load<uint16_t>(d + 35));
  } else if (family == kAfUnix) {
    if (p.size() < 17) return out.append("INVALID UNIX");
    out.appendf("%" PRIx64 "->%" PRIx64 " ", load<uint64_t>(d + 1), load<uint64_t>(d + 9));
    append_sanitized(out, ParamView(d + 17, p.size() - 17).as_string());
  } else {
    out.appendf("family %d", static_cast<int>(static_cast<int8_t>(family)));
  }
}

void append_bytes_dotted(TextBuffer& out, ParamView p, uint32_t max_len) {
  const size_t start = out.size();
  for (uint8_t c : p.bytes()) out.push_back(printable(c) ? static_cast<char>(c) : '.');
  const size_t len = out.size() - start;
  if (max_len != 0 && len > max_len) {
    out.shrink(start + max_len);
    if (max_len > 3) {
      out.shrink(start + max_len - 3);
      out.append("...");
    }
  }
}

// Bit-set flags (FLAGS*, MODE): see the file comment. Exact enums (ENUMFLAGS*) print the
// first entry equal to the value.
void append_flag_names(TextBuffer& out, const FlagTable* table, uint64_t value, bool exact) {
  if (!table) return;
  const char* sep = "";
  if (exact) {
    for (const FlagEntry& e : table->entries)
      if (e.value == value) return out.append(e.name);
    return;
  }
  uint64_t rest = value;
  for (const FlagEntry& e : table->entries) {
    if (e.value == value) {
      out.append(sep);
      out.append(e.name);
      return;
    }
    const bool zero_match = e.value == 0 && value == 0;
    if (zero_match || (e.value != 0 && rest != 0 && (rest & e.value) == e.value)) {
      out.append(sep);
      out.append(e.name);
      sep = "|";
      rest &= ~e.value;
    }
  }
}

void append_abstime(TextBuffer& out, uint64_t ns) {
  const time_t sec = static_cast<time_t>(ns / 1000000000u);
  struct tm tm {};
  localtime_r(&sec, &tm);
  char text[64];
  const size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  out.append(std::string_view(text, n));
  out.appendf(".%09" PRIu64, ns % 1000000000u);
}

bool is_enum_flags(ParamType t) {
  return t == ParamType::EnumFlags8 || t == ParamType::EnumFlags16 || t == ParamType::EnumFlags32;
}

// The shared core. `schema` may be null (raw rendering: no flag names); `ctx` may be null
// (no resolutions at all).
void render(const ParamContext* ctx, const EventSchema* schema, ParamView p, ParamType type,
            PrintFormat format, const ParamInfo& info, TextBuffer& value, TextBuffer* resolved) {
  const ParamResolver* resolver = ctx ? ctx->options.resolver : nullptr;
  const int64_t tid = ctx ? ctx->tid : 0;
  switch (type) {
    case ParamType::Int8:
    case ParamType::Int16:
    case ParamType::Int32:
    case ParamType::Int64:
    case ParamType::Uint8:
    case ParamType::Uint16:
    case ParamType::Uint32:
    case ParamType::Uint64:
      append_numeric(value, format, int_value(p, type));
      return;
    case ParamType::Fd:
    case ParamType::Fd32: {
      const int64_t fd = p.as_i64();
      value.append_i64(fd);
      if (!resolved) return;
      if (fd >= 0) {
        if (resolver) resolver->fd_name(tid, fd, *resolved);
      } else if (fd == kAtFdCwd) {
        resolved->append("AT_FDCWD");
      } else {
        resolved->append(errno_name(static_cast<int32_t>(fd)));
      }
      return;
    }
    case ParamType::Pid:
    case ParamType::Pid32:
      value.append_i64(p.as_i64());
      if (resolved && resolver) resolver->thread_comm(p.as_i64(), *resolved);
      return;
    case ParamType::Errno: {
      const int64_t v = p.as_i64();
      value.append_i64(v);
      if (resolved && v < 0) resolved->append(errno_name(static_cast<int32_t>(v)));
      return;
    }
    case ParamType::CharBuf:
      value.append(p.as_string());
      return;
    case ParamType::FsPath:
    case ParamType::FsRelPath: {
      const std::string_view path = p.as_string();
      append_sanitized(value, path);
      if (!resolved || path.starts_with("<NA>") || path.starts_with('/')) return;
      const int64_t dirfd = type == ParamType::FsRelPath && ctx ? ctx->dirfd : kAtFdCwd;
      if (resolver) resolver->base_dir(tid, dirfd, *resolved);
      append_normalized_path(*resolved, 0, path);
      return;
    }
    case ParamType::ByteBuf:
      append_bytes_dotted(value, p, ctx ? ctx->options.max_buffer_len : 0);
      return;
    case ParamType::SockAddr:
      append_sockaddr(value, p);
      return;
    case ParamType::SockTuple:
      append_socktuple(value, p);
      return;
    case ParamType::FdList: {
      const uint16_t count = p.fdlist_count();
      for (uint16_t i = 0; i < count; ++i) {
        int64_t fd;
        int16_t flags;
        if (!p.fdlist_entry(i, fd, flags)) break;
        char type_char = resolver ? resolver->fd_type_char(tid, fd) : 0;
        if (type_char == 0) type_char = '?';
        if (i != 0) value.push_back(' ');
        value.appendf("%" PRIu64 ":%c%x", static_cast<uint64_t>(fd), type_char,
                      static_cast<uint32_t>(static_cast<int32_t>(flags)));
      }
      return;
    }
    case ParamType::SyscallId: {
      const uint16_t code = p.as_u16();
      const std::string_view name = ppm_sc_name(code);
      if (name.empty()) return value.append("<unknown syscall>");
      value.append_u64(code);
      if (resolved) resolved->append(name);
      return;
    }
    case ParamType::SigType:
      value.append_u64(p.as_u8());
      if (resolved) resolved->append(signal_name(p.as_u8()));
      return;
    case ParamType::RelTime: {
      const uint64_t ns = p.as_u64();
      if (ns == UINT64_MAX) return value.append("none");
      value.append_u64(ns);
      if (resolved) resolved->appendf("%lgs", static_cast<double>(ns) / 1e9);
      return;
    }
    case ParamType::AbsTime:
      append_abstime(value, p.as_u64());
      return;
    case ParamType::Flags8:
    case ParamType::Flags16:
    case ParamType::Flags32:
    case ParamType::EnumFlags8:
    case ParamType::EnumFlags16:
    case ParamType::EnumFlags32: {
      const uint64_t v = p.as_u64() & (p.size() >= 4 ? 0xffffffffu : p.size() == 2 ? 0xffffu : 0xffu);
      value.append_u64(v);
      if (resolved && schema) append_flag_names(*resolved, schema->flag_table(info.flag_table), v, is_enum_flags(type));
      return;
    }
    case ParamType::Mode: {
      const uint32_t v = p.as_u32();
      append_numeric(value, format, {v, static_cast<int32_t>(v)});
      if (resolved && schema) append_flag_names(*resolved, schema->flag_table(info.flag_table), v, false);
      return;
    }
    case ParamType::Uid:
    case ParamType::Gid: {
      const uint32_t v = p.as_u32();
      if (v == UINT32_MAX) {
        value.append("-1");
        if (resolved) resolved->append("<NONE>");
        return;
      }
      value.append_i64(static_cast<int32_t>(v));
      if (!resolved) return;
      const bool found = resolver && (type == ParamType::Uid ? resolver->user_name(tid, v, *resolved)
                                                             : resolver->group_name(tid, v, *resolved));
      if (!found) resolved->append("<NA>");
      return;
    }
    case ParamType::SigSet: {
      const uint32_t v = p.as_u32();
      bool first = true;
      for (uint32_t sig = 0; sig < 32; ++sig) {
        if (!(v & (1u << sig))) continue;
        const std::string_view name = signal_name(sig + 1);
        if (name.empty()) continue;
        if (!first) value.push_back(' ');
        value.append(name);
        first = false;
      }
      return;
    }
    case ParamType::Dyn: {
      const uint8_t index = p.dyn_index();
      if (index >= info.dyn.size()) return value.append("INVALID DYNAMIC PARAMETER");
      const ParamView inner = p.dyn_value();
      if (inner.empty()) return value.append(empty_value(info.dyn[index].type));
      // The alternative's own type, printed with the parameter's format (as sinsp does).
      render(ctx, schema, inner, info.dyn[index].type, format, info, value, resolved);
      return;
    }
    case ParamType::Ipv4Addr:
      if (p.size() >= 4) append_ipv4(value, p.data());
      return;
    case ParamType::Ipv6Addr:
      if (p.size() >= 16) append_ipv6(value, p.data());
      return;
    case ParamType::CharBufArray: {
      // Iterator events carry NUL-separated strings; sinsp joins them with '.'.
      const std::span<const uint8_t> b = p.bytes();
      for (size_t i = 0; i < b.size(); ++i) {
        if (b[i] == 0) {
          if (i + 1 < b.size()) value.push_back('.');
        } else {
          value.push_back(static_cast<char>(b[i]));
        }
      }
      return;
    }
    case ParamType::Port:
    case ParamType::L4Proto:
    case ParamType::SockFamily:
    case ParamType::Bool:
      value.append_u64(p.as_u64());
      return;
    default:
      value.append("(n.a.)");
      return;
  }
}

}  // namespace

void format_param(const ParamContext& ctx, ParamView param, const ParamInfo& info, TextBuffer& value,
                  TextBuffer& resolved) {
  if (param.empty()) return value.append(empty_value(info.type));
  render(&ctx, &ctx.schema, param, info.type, info.format, info, value, &resolved);
}

bool format_param_raw(ParamView param, const ParamInfo& info, TextBuffer& out) {
  if (param.empty()) {
    // An empty text or buffer is still a value (the empty string); an empty number is none.
    return info.type == ParamType::CharBuf || info.type == ParamType::FsPath ||
           info.type == ParamType::FsRelPath || info.type == ParamType::ByteBuf;
  }
  switch (info.type) {
    case ParamType::Int8:
    case ParamType::Int16:
    case ParamType::Int32:
    case ParamType::Int64:
    case ParamType::Errno:
    case ParamType::Fd:
    case ParamType::Pid:
    case ParamType::Fd32:
    case ParamType::Pid32:
      out.append_i64(param.as_i64());
      return true;
    case ParamType::Uint8:
    case ParamType::Uint16:
    case ParamType::Uint32:
    case ParamType::Uint64:
    case ParamType::SyscallId:
    case ParamType::SigType:
    case ParamType::RelTime:
    case ParamType::AbsTime:
    case ParamType::Port:
    case ParamType::L4Proto:
    case ParamType::SockFamily:
    case ParamType::Bool:
    case ParamType::Flags8:
    case ParamType::Flags16:
    case ParamType::Flags32:
    case ParamType::EnumFlags8:
    case ParamType::EnumFlags16:
    case ParamType::EnumFlags32:
    case ParamType::Mode:
    case ParamType::Uid:
    case ParamType::Gid:
    case ParamType::SigSet:
      out.append_u64(param.as_u64());
      return true;
    case ParamType::CharBuf:
    case ParamType::FsPath:
    case ParamType::FsRelPath:
    case ParamType::ByteBuf:
      out.append(param.as_string());
      return true;
    case ParamType::Double: {
      double d = 0;
      if (param.size() >= sizeof d) std::memcpy(&d, param.data(), sizeof d);
      out.appendf("%.1f", d);
      return true;
    }
    default:
      render(nullptr, nullptr, param, info.type, info.format, info, out, nullptr);
      return true;
  }
}

std::string_view event_type_name(const EventView& event, const EventInfo& info) {
  const uint16_t type = event.type();
  if ((type == 0 || type == 1) && event.nparams() > 0) {
    return ppm_sc_name(event.param(0u).as_u16());  // empty for a code nobody knows
  }
  return info.name;
}

int find_param(const EventInfo& info, std::string_view name) {
  for (size_t i = 0; i < info.params.size(); ++i)
    if (info.params[i].name == name) return static_cast<int>(i);
  return -1;
}

void format_event_args(const ParamContext& ctx, const EventView& event, const EventInfo& info,
                       TextBuffer& out) {
  const uint16_t type = event.type();
  if (type == 0 || type == 1) return;  // generic events: the ID is shown as the type instead
  const uint32_t n = std::min<uint32_t>(event.nparams(), static_cast<uint32_t>(info.params.size()));
  ParamContext pctx = ctx;
  FixedText<4096> resolved;
  for (uint32_t i = 0; i < n; ++i) {
    const ParamInfo& pi = info.params[i];
    if (pi.type == ParamType::FsRelPath && pi.dirfd_param >= 0 && static_cast<uint32_t>(pi.dirfd_param) < n)
      pctx.dirfd = event.param(static_cast<uint32_t>(pi.dirfd_param)).as_i64();
    out.append(pi.name);
    out.push_back('=');
    resolved.clear();
    format_param(pctx, event.param(i), pi, out, resolved);
    if (!resolved.empty()) {
      out.push_back('(');
      out.append(resolved.view());
      out.push_back(')');
    }
    out.push_back(' ');
  }
}

}  // namespace vigil::capture
