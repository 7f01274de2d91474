// evt.* and syscall.* fields.
#include <algorithm>
#include <cstring>
#include <ctime>

#include "fields/extract_util.h"
#include "fields/names.h"
#include "state/inspector_impl.h"

namespace vigil::inspect::detail {

using capture::Direction;
using capture::ParamType;
using capture::ParamView;

namespace {

constexpr uint32_t kOpenRead = 1, kOpenWrite = 2, kOpenCreat = 4, kOpenCreated = 16384;

std::string_view time_text(const EventContext& ctx, bool date, bool nanos, bool iso) {
  const uint64_t ts = ctx.event().ts();
  const std::tm& tm = ctx.calendar_time(static_cast<int64_t>(ts / 1'000'000'000ull), iso);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, iso ? "%Y-%m-%dT%H:%M:%S" : date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
  if (nanos) n += std::snprintf(buf + n, sizeof buf - n, ".%09llu", static_cast<unsigned long long>(ts % 1'000'000'000ull));
  if (iso) n += std::snprintf(buf + n, sizeof buf - n, "Z");
  std::string& s = ctx.scratch();
  s.assign(buf, n);
  return s;
}

// The newest table's event of that name (generic syscall events borrow its category), or null.
const capture::EventInfo* event_named(std::string_view name) {
  for (const auto& ev : capture::EventSchema::newest().events()) {
    if (ev.name == name && !(ev.flags & capture::kUnused)) return &ev;
  }
  return nullptr;
}

constexpr uint32_t kNoCategory = ~0u, kGenericOther = ~1u;

// The event's category in the table it is displayed with (a generic syscall event: the category
// of the syscall it stands for), without the source bits (syscall, tracepoint, ...) the newest
// table adds. kNoCategory: no table knows the event; kGenericOther: a syscall without an event.
uint32_t display_category(const EventContext& ctx) {
  const capture::EventSchema* schema = capture::display_schema(ctx.event(), ctx.inspector().options().display);
  if (!schema) return kNoCategory;
  const capture::EventInfo* info = &(*schema)[ctx.event().type()];
  if (ctx.event().type() <= 1) {
    // The newest table describes the syscall with an event of its own.
    const capture::EventInfo* own = event_named(event_type_text(ctx));
    if (!own) return kGenericOther;
    info = own;
  }
  return info->category & ~uint32_t{capture::kCatSyscall | capture::kCatTracepoint | capture::kCatPlugin |
                                     capture::kCatMetaevent};
}

bool is_io_category(uint32_t cat) {
  return cat == capture::kCatIoRead || cat == capture::kCatIoWrite || cat == capture::kCatIoOther;
}

std::string_view category_name(const EventContext& ctx) {
  const uint32_t cat = display_category(ctx);
  if (cat == kNoCategory) return "unknown";
  if (cat == kGenericOther) return "other";
  switch (cat) {
    case capture::kCatWait: return "wait";
    case capture::kCatScheduler: return "scheduler";
    case capture::kCatOther: return "other";
    case capture::kCatFile: return "file";
    case capture::kCatNet: return "net";
    case capture::kCatIpc: return "IPC";
    case capture::kCatMemory: return "memory";
    case capture::kCatProcess: return "process";
    case capture::kCatSleep: return "sleep";
    case capture::kCatSystem: return "system";
    case capture::kCatSignal: return "signal";
    case capture::kCatUser: return "user";
    case capture::kCatTime: return "time";
    case capture::kCatProcessing: return "processing";
    case capture::kCatIoRead:
    case capture::kCatIoWrite:
    case capture::kCatIoOther: {
      const FdState* fd = ctx.fd();
      if (!fd) return "unknown";
      switch (fd->type) {
        case capture::FdType::File: case capture::FdType::FileV2: case capture::FdType::Directory: return "file";
        case capture::FdType::Ipv4Sock: case capture::FdType::Ipv6Sock: case capture::FdType::Ipv4ServSock:
        case capture::FdType::Ipv6ServSock: return "net";
        case capture::FdType::Fifo: case capture::FdType::UnixSock: case capture::FdType::Event:
        case capture::FdType::SignalFd: case capture::FdType::Inotify: return "ipc";
        default: return "unknown";
      }
    }
    default: return "unknown";
  }
}

bool is_open_family(const EventContext& ctx) {
  const capture::EventInfo* info = ctx.event().info();
  if (!info || info->direction != Direction::Exit) return false;
  const std::string_view n = info->name;
  return n == "open" || n == "openat" || n == "openat2" || n == "creat" || n == "open_by_handle_at";
}

uint32_t open_flags(const EventContext& ctx) {
  if (ctx.event().info() && ctx.event().info()->name == "creat") return kOpenWrite | kOpenCreat;
  return ctx.param("flags").as_u32();
}

// The raw value of a parameter in its own type.
bool raw_param(const EventContext& ctx, const capture::ParamInfo& pi, ParamView p, FieldValues& out) {
  switch (pi.type) {
    case ParamType::Int8: case ParamType::Int16: case ParamType::Int32: case ParamType::Int64:
    case ParamType::Errno: case ParamType::Fd: case ParamType::Pid: case ParamType::Fd32: case ParamType::Pid32:
      return put_i64(out, p.as_i64());
    case ParamType::CharBuf: case ParamType::FsPath: case ParamType::FsRelPath:
      return put_str(out, p.as_string());
    case ParamType::ByteBuf:
      return put_bytes(out, std::string_view(reinterpret_cast<const char*>(p.data()), p.size()));
    case ParamType::SockAddr: case ParamType::SockTuple: case ParamType::FdList:
    case ParamType::CharBufArray: case ParamType::CharBufPairArray: case ParamType::Dyn: {
      bool found;
      std::string_view text = render_raw_arg(ctx, pi, p, found);
      return found && put_str(out, text);
    }
    case ParamType::Double: {
      double d;
      std::memcpy(&d, p.data(), std::min<size_t>(p.size(), sizeof d));
      return put_double(out, d);
    }
    default:
      return put_u64(out, p.as_u64());
  }
}

}  // namespace

bool syscall_result(const EventContext& ctx, int64_t& res) {
  const capture::EventInfo* info = ctx.event().info();
  if (!info || info->direction != Direction::Exit || info->params.empty()) return false;
  const auto& p0 = info->params[0];
  if (p0.name != "res" && !(p0.type == ParamType::Fd && p0.name == "fd")) return false;
  ParamView p = ctx.event().param(0);
  if (p.empty()) return false;
  if (p0.type == ParamType::Dyn) p = p.dyn_value();
  res = p.as_i64();
  return true;
}

bool extract_evt(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out) {
  const capture::EventView& ev = ctx.event();
  const capture::EventInfo* info = ev.info();
  const uint64_t ts = ev.ts();
  const bool is_exit = ev.direction() == Direction::Exit;
  switch (id) {
    case FieldId::kEvtNum: return put_u64(out, ev.num());
    case FieldId::kEvtTime:
    case FieldId::kEvtOutputtime: return put_str(out, time_text(ctx, false, true, false));
    case FieldId::kEvtTimeS: return put_str(out, time_text(ctx, false, false, false));
    case FieldId::kEvtTimeIso8601: return put_str(out, time_text(ctx, true, true, true));
    case FieldId::kEvtDatetime: return put_str(out, time_text(ctx, true, true, false));
    case FieldId::kEvtDatetimeS: return put_str(out, time_text(ctx, true, false, false));
    case FieldId::kEvtRawtime: return put_u64(out, ts, FieldType::AbsTime);
    case FieldId::kEvtRawtimeS: return put_u64(out, ts / 1'000'000'000ull, FieldType::AbsTime);
    case FieldId::kEvtRawtimeNs: return put_u64(out, ts % 1'000'000'000ull, FieldType::AbsTime);
    case FieldId::kEvtReltime: return put_u64(out, ts - ctx.first_ts(), FieldType::RelTime);
    case FieldId::kEvtReltimeS: return put_u64(out, (ts - ctx.first_ts()) / 1'000'000'000ull, FieldType::RelTime);
    case FieldId::kEvtReltimeNs: return put_u64(out, (ts - ctx.first_ts()) % 1'000'000'000ull, FieldType::RelTime);
    case FieldId::kEvtDeltatime: return put_u64(out, ts - ctx.prev_ts(), FieldType::RelTime);
    case FieldId::kEvtDeltatimeS: return put_u64(out, (ts - ctx.prev_ts()) / 1'000'000'000ull, FieldType::RelTime);
    case FieldId::kEvtDeltatimeNs: return put_u64(out, (ts - ctx.prev_ts()) % 1'000'000'000ull, FieldType::RelTime);
    case FieldId::kEvtLatency:
    case FieldId::kEvtLatencyS:
    case FieldId::kEvtLatencyNs:
    case FieldId::kEvtLatencyHuman: {
      // Only meaningful where the enter event was seen (raw mode); 0 otherwise, like libsinsp.
      uint64_t lat = 0;
      if (is_exit && ctx.enter_event()) lat = ts - ctx.enter_event()->ts();
      if (id == FieldId::kEvtLatencyS) return put_u64(out, lat / 1'000'000'000ull, FieldType::RelTime);
      if (id == FieldId::kEvtLatencyNs) return put_u64(out, lat % 1'000'000'000ull, FieldType::RelTime);
      if (id == FieldId::kEvtLatencyHuman) {
        std::string& s = ctx.scratch();
        char buf[32];
        if (lat >= 1'000'000'000ull) std::snprintf(buf, sizeof buf, "%.2fs", lat / 1e9);
        else if (lat >= 1'000'000ull) std::snprintf(buf, sizeof buf, "%.2fms", lat / 1e6);
        else if (lat >= 1'000ull) std::snprintf(buf, sizeof buf, "%.2fus", lat / 1e3);
        else std::snprintf(buf, sizeof buf, "%lluns", static_cast<unsigned long long>(lat));
        s = buf;
        return put_str(out, s);
      }
      return put_u64(out, lat, FieldType::RelTime);
    }
    case FieldId::kEvtSource: return put_str(out, "syscall");
    case FieldId::kEvtIsAsync: return put_bool(out, info && (info->category & capture::kCatMetaevent) && !(info->category & capture::kCatSyscall));
    case FieldId::kEvtHostname: {
      const capture::MachineInfo* m = ctx.inspector().machine();
      if (!m || m->hostname.empty()) return false;
      return put_str(out, m->hostname);
    }
    case FieldId::kEvtDir: return put_str(out, is_exit ? "<" : ">");
    case FieldId::kEvtType: {
      std::string_view name = event_type_text(ctx);
      return !name.empty() && put_str(out, name);
    }
    case FieldId::kEvtTypeIs: {
      bool match = false;
      for (uint16_t t : arg.event_ids) match |= t == ev.type();
      return put_u64(out, match ? 1 : 0, FieldType::Uint32);
    }
    case FieldId::kSyscallType:
      if (!info || (info->category & (capture::kCatInternal | capture::kCatPlugin | capture::kCatMetaevent |
                                      capture::kCatScheduler)))
        return false;
      return put_str(out, event_type_text(ctx));
    case FieldId::kEvtCategory: return put_str(out, category_name(ctx));
    case FieldId::kEvtCpu: return put_i64(out, ev.cpu(), FieldType::Int16);
    case FieldId::kEvtArgs:
    case FieldId::kEvtInfo:
      return put_str(out, render_event_args(ctx));
    case FieldId::kEvtArg: {
      bool found;
      std::string_view text = render_event_arg(ctx, arg.key, arg.number, found);
      return found && put_str(out, text);
    }
    case FieldId::kEvtRawarg: {
      if (!info) return false;
      const int idx = ev.param_index(arg.key);
      if (idx < 0) {
        // Raw mode: the parameter may be on the enter event.
        if (const capture::EventView* enter = ctx.enter_event(); enter && enter->info()) {
          const int e = enter->param_index(arg.key);
          if (e >= 0 && static_cast<uint32_t>(e) < enter->nparams())
            return raw_param(ctx, enter->info()->params[e], enter->param(e), out);
        }
        return false;
      }
      if (static_cast<uint32_t>(idx) >= ev.nparams()) return false;
      return raw_param(ctx, info->params[idx], ev.param(idx), out);
    }
    case FieldId::kEvtBuffer: {
      ParamView p = ctx.param("data");
      if (p.empty() || !info || !(info->flags & (capture::kReadsFromFd | capture::kWritesToFd))) return false;
      return put_bytes(out, std::string_view(reinterpret_cast<const char*>(p.data()), p.size()));
    }
    case FieldId::kEvtBuflen: {
      // libsinsp: the result of an I/O exit event (read, write or other I/O, such as close) on
      // an fd it knows.
      int64_t res;
      if (!ctx.fd() || ev.direction() != capture::Direction::Exit || !is_io_category(display_category(ctx)) ||
          !syscall_result(ctx, res) || res < 0)
        return false;
      return put_u64(out, static_cast<uint64_t>(res));
    }
    case FieldId::kEvtRes: {
      int64_t res;
      if (!syscall_result(ctx, res)) return false;
      if (res >= 0) return put_str(out, "SUCCESS");
      std::string_view name = errno_name(res);
      if (name.empty()) {
        std::string& s = ctx.scratch();
        s = std::to_string(res);
        return put_str(out, s);
      }
      return put_str(out, name);
    }
    case FieldId::kEvtRawres: {
      int64_t res;
      if (!syscall_result(ctx, res)) return false;
      return put_i64(out, res);
    }
    case FieldId::kEvtFailed: {
      int64_t res;
      if (!syscall_result(ctx, res)) return put_bool(out, false);
      return put_bool(out, res < 0);
    }
    case FieldId::kEvtIsIo:
      return put_bool(out, info && (info->flags & (capture::kReadsFromFd | capture::kWritesToFd)));
    case FieldId::kEvtIsIoRead: return put_bool(out, info && (info->flags & capture::kReadsFromFd));
    case FieldId::kEvtIsIoWrite: return put_bool(out, info && (info->flags & capture::kWritesToFd));
    case FieldId::kEvtIoDir:
      if (!info) return false;
      if (info->flags & capture::kReadsFromFd) return put_str(out, "read");
      if (info->flags & capture::kWritesToFd) return put_str(out, "write");
      return false;
    case FieldId::kEvtIsWait: return put_bool(out, info && (info->flags & capture::kWaits));
    case FieldId::kEvtIsSyslog: {
      const FdState* fd = ctx.fd();
      return put_bool(out, info && (info->flags & capture::kWritesToFd) && fd && fd->name.find("/dev/log") == 0);
    }
    case FieldId::kEvtCount: return put_u64(out, 1, FieldType::Uint32);
    case FieldId::kEvtCountExit: return put_u64(out, is_exit ? 1 : 0, FieldType::Uint32);
    case FieldId::kEvtCountError:
    case FieldId::kEvtCountErrorFile:
    case FieldId::kEvtCountErrorNet:
    case FieldId::kEvtCountErrorMemory:
    case FieldId::kEvtCountErrorOther: {
      int64_t res;
      bool failed = syscall_result(ctx, res) && res < 0;
      if (failed && id != FieldId::kEvtCountError) {
        const std::string_view cat = category_name(ctx);
        const bool file = cat == "file", net = cat == "net", mem = cat == "memory";
        if (id == FieldId::kEvtCountErrorFile) failed = file;
        if (id == FieldId::kEvtCountErrorNet) failed = net;
        if (id == FieldId::kEvtCountErrorMemory) failed = mem;
        if (id == FieldId::kEvtCountErrorOther) failed = !file && !net && !mem;
      }
      return put_u64(out, failed ? 1 : 0, FieldType::Uint32);
    }
    case FieldId::kEvtIsOpenRead:
      return put_bool(out, is_open_family(ctx) && (open_flags(ctx) & kOpenRead));
    case FieldId::kEvtIsOpenWrite:
      return put_bool(out, is_open_family(ctx) && (open_flags(ctx) & kOpenWrite));
    case FieldId::kEvtIsOpenExec: {
      if (!is_open_family(ctx)) return put_bool(out, false);
      const uint32_t flags = open_flags(ctx);
      const uint32_t mode = ctx.param("mode").as_u32();
      return put_bool(out, (flags & (kOpenCreat | kOpenCreated)) && (mode & 0111));
    }
    case FieldId::kEvtIsOpenCreate:
      return put_bool(out, is_open_family(ctx) && (open_flags(ctx) & kOpenCreated));
    case FieldId::kEvtAbspath: {
      // dirfd + relative path, or the old/new pair of rename/link-like calls.
      const bool dst = arg.key == "dst";
      ParamView dirfd, path;
      if (arg.key.empty()) {
        dirfd = ctx.param("dirfd");
        path = ctx.param("name");
        if (path.empty()) path = ctx.param("path");
        if (path.empty()) path = ctx.param("pathname");
      } else {
        dirfd = ctx.param(dst ? "newdirfd" : "olddirfd");
        path = ctx.param(dst ? "newpath" : "oldpath");
        if (dirfd.empty() && dst) dirfd = ctx.param("linkdirfd");
        if (path.empty() && dst) path = ctx.param("linkpath");
        if (path.empty() && !dst) path = ctx.param("target");
      }
      if (path.empty() || !ctx.thread()) return false;
      const std::string_view rel = path.as_string();
      std::string base = ctx.thread()->files->cwd;
      if (!dirfd.empty() && dirfd.as_i64() != -100 && !rel.starts_with('/')) {
        const FdState* d = ctx.thread()->files->fds.find(dirfd.as_i64());
        if (!d) return false;
        base = d->name;
      }
      std::string& s = ctx.scratch();
      resolve_path(base, rel, s);
      return put_str(out, s);
    }
    case FieldId::kEvtAround:
      return put_u64(out, ts);
    case FieldId::kEvtCountProcinfo:
    case FieldId::kEvtCountThreadinfo:
      return put_u64(out, info && info->name == "procinfo" ? 1 : 0, FieldType::Uint32);
    default:
      return false;  // plugin and table-only fields this source does not produce
  }
}

}  // namespace vigil::inspect::detail
