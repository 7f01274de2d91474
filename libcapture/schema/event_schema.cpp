#include "vigil/capture/event_schema.h"

#include <array>

namespace vigil::capture {
namespace {
#include "schema_newest.inc"
#include "schema_0_29.inc"
}  // namespace

const EventSchema& EventSchema::newest() {
  static const EventSchema schema(newest_events, newest_flag_tables);
  return schema;
}

const EventSchema& EventSchema::libs_0_29() {
  static const EventSchema schema(v029_events, v029_flag_tables);
  return schema;
}

const FlagTable* EventSchema::flag_table(std::string_view name) const {
  for (const FlagTable& t : flag_tables_)
    if (t.name == name) return &t;
  return nullptr;
}

uint32_t fixed_param_size(ParamType type) {
  switch (type) {
    case ParamType::Int8: case ParamType::Uint8: case ParamType::SigType: case ParamType::L4Proto:
    case ParamType::SockFamily: case ParamType::Flags8: case ParamType::EnumFlags8:
      return 1;
    case ParamType::Int16: case ParamType::Uint16: case ParamType::SyscallId: case ParamType::Port:
    case ParamType::Flags16: case ParamType::EnumFlags16:
      return 2;
    case ParamType::Int32: case ParamType::Uint32: case ParamType::Bool: case ParamType::Ipv4Addr:
    case ParamType::Flags32: case ParamType::Uid: case ParamType::Gid: case ParamType::SigSet:
    case ParamType::Mode: case ParamType::EnumFlags32: case ParamType::Fd32: case ParamType::Pid32:
      return 4;
    case ParamType::Int64: case ParamType::Uint64: case ParamType::Errno: case ParamType::Fd:
    case ParamType::Pid: case ParamType::RelTime: case ParamType::AbsTime: case ParamType::Double:
      return 8;
    case ParamType::Ipv6Addr:
      return 16;
    default:
      return 0;
  }
}

std::string_view param_type_name(ParamType type) {
  static constexpr std::array<std::string_view, 49> kNames = {
      "PT_NONE", "PT_INT8", "PT_INT16", "PT_INT32", "PT_INT64", "PT_UINT8", "PT_UINT16", "PT_UINT32",
      "PT_UINT64", "PT_CHARBUF", "PT_BYTEBUF", "PT_ERRNO", "PT_SOCKADDR", "PT_SOCKTUPLE", "PT_FD",
      "PT_PID", "PT_FDLIST", "PT_FSPATH", "PT_SYSCALLID", "PT_SIGTYPE", "PT_RELTIME", "PT_ABSTIME",
      "PT_PORT", "PT_L4PROTO", "PT_SOCKFAMILY", "PT_BOOL", "PT_IPV4ADDR", "PT_DYN", "PT_FLAGS8",
      "PT_FLAGS16", "PT_FLAGS32", "PT_UID", "PT_GID", "PT_DOUBLE", "PT_SIGSET", "PT_CHARBUFARRAY",
      "PT_CHARBUF_PAIR_ARRAY", "PT_IPV4NET", "PT_IPV6ADDR", "PT_IPV6NET", "PT_IPADDR", "PT_IPNET",
      "PT_MODE", "PT_FSRELPATH", "PT_ENUMFLAGS8", "PT_ENUMFLAGS16", "PT_ENUMFLAGS32", "PT_FD32",
      "PT_PID32"};
  auto i = static_cast<size_t>(type);
  return i < kNames.size() ? kNames[i] : std::string_view("PT_?");
}

}  // namespace vigil::capture
