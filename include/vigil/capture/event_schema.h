// The event schema: what every event id means.
//
// An event record on disk or from the driver stores only an id and raw parameter bytes; this
// schema gives each id its name, direction, category, flags and the name, type and print format
// of each parameter. Two schemas are compiled in (docs: scap-format.md §12, event-table*.tsv):
// the newest libs' table (454 ids), which is what vigil produces and consumes, and the 2022 table
// (336 ids) that sysdig 0.29.3 uses, which the writer's compatibility mode targets.
//
// Everything here is immutable static data: safe to use from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace vigil::capture {

// PT_* parameter types; values are the on-the-wire ids (scap-format.md §13).
enum class ParamType : uint8_t {
  None = 0, Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, CharBuf, ByteBuf, Errno,
  SockAddr, SockTuple, Fd, Pid, FdList, FsPath, SyscallId, SigType, RelTime, AbsTime, Port,
  L4Proto, SockFamily, Bool, Ipv4Addr, Dyn, Flags8, Flags16, Flags32, Uid, Gid, Double, SigSet,
  CharBufArray, CharBufPairArray, Ipv4Net, Ipv6Addr, Ipv6Net, IpAddr, IpNet, Mode, FsRelPath,
  EnumFlags8, EnumFlags16, EnumFlags32, Fd32, Pid32,
};

// PF_* print formats: how a numeric parameter is shown (display only).
enum class PrintFormat : uint8_t { NA = 0, Dec, Hex, PaddedDec, Id, Dir, Oct };

enum class Direction : uint8_t { Enter, Exit };

// EF_* event flags (scap-format.md §12.3).
enum EventFlag : uint32_t {
  kCreatesFd = 1u << 0,
  kDestroysFd = 1u << 1,
  kUsesFd = 1u << 2,
  kReadsFromFd = 1u << 3,
  kWritesToFd = 1u << 4,
  kModifiesState = 1u << 5,
  kUnused = 1u << 6,
  kWaits = 1u << 7,
  kSkipParseReset = 1u << 8,
  kOldVersion = 1u << 9,
  kDropSimpleCons = 1u << 10,
  kLargePayload = 1u << 11,
  kConverterManaged = 1u << 12,
};

// EC_* category: the low 6 bits are one category, the higher bits are flags (§12.2).
enum EventCategory : uint32_t {
  kCatUnknown = 0, kCatOther = 1, kCatFile = 2, kCatNet = 3, kCatIpc = 4, kCatMemory = 5,
  kCatProcess = 6, kCatSleep = 7, kCatSystem = 8, kCatSignal = 9, kCatUser = 10, kCatTime = 11,
  kCatProcessing = 12, kCatIoRead = 32, kCatIoWrite = 33, kCatIoOther = 34,
  kCatMask = 0x3f,
  kCatWait = 64, kCatScheduler = 128, kCatInternal = 256, kCatSyscall = 512,
  kCatTracepoint = 1024, kCatPlugin = 2048, kCatMetaevent = 4096, kCatIter = 8192,
};

// One named value of a flag or enum table (PPM_O_RDONLY = 1, ...).
struct FlagEntry {
  std::string_view name;
  uint64_t value;
};

// A PPM flag/enum table as listed in flag-tables.tsv, entries in table order.
struct FlagTable {
  std::string_view name;
  std::span<const FlagEntry> entries;
};

// One possible concrete type of a PT_DYN parameter, selected by the parameter's first byte.
struct DynParamAlternative {
  ParamType type;
  PrintFormat format;
};

struct ParamInfo {
  std::string_view name;
  ParamType type;
  PrintFormat format;
  int16_t flag_table;   // index into EventSchema::flag_tables(), or -1
  int8_t dirfd_param;   // for FsRelPath: index of the dirfd parameter, or -1
  std::span<const DynParamAlternative> dyn;  // for Dyn: alternatives by index byte
};

struct EventInfo {
  uint16_t id;
  std::string_view enum_name;  // PPME_SYSCALL_OPEN_X
  std::string_view name;       // open
  Direction direction;
  uint32_t category;           // EventCategory bits
  uint32_t flags;              // EventFlag bits
  std::span<const ParamInfo> params;

  bool has(EventFlag f) const { return (flags & f) != 0; }
  size_t nparams() const { return params.size(); }
};

// A complete event table plus its flag tables.
class EventSchema {
 public:
  // The newest libs' schema (454 ids): the one vigil decodes to and the driver emits.
  static const EventSchema& newest();
  // The 2022 schema (336 ids) of sysdig 0.29.3 / libs e5c53d64.
  static const EventSchema& libs_0_29();

  size_t size() const { return events_.size(); }
  // nullptr when the id is outside the table.
  const EventInfo* find(uint16_t id) const { return id < events_.size() ? &events_[id] : nullptr; }
  const EventInfo& operator[](uint16_t id) const { return events_[id]; }
  std::span<const EventInfo> events() const { return events_; }

  std::span<const FlagTable> flag_tables() const { return flag_tables_; }
  const FlagTable* flag_table(int16_t index) const {
    return index >= 0 && static_cast<size_t>(index) < flag_tables_.size() ? &flag_tables_[index] : nullptr;
  }
  const FlagTable* flag_table(std::string_view name) const;

  EventSchema(std::span<const EventInfo> events, std::span<const FlagTable> flag_tables)
      : events_(events), flag_tables_(flag_tables) {}

 private:
  std::span<const EventInfo> events_;
  std::span<const FlagTable> flag_tables_;
};

// Size in bytes of a fixed-size parameter type, or 0 for variable-size ones (§13).
uint32_t fixed_param_size(ParamType type);
std::string_view param_type_name(ParamType type);  // "PT_FD"

}  // namespace vigil::capture
