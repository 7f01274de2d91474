#include "scap/metadata_parser.h"

#include <cstring>

#include "scap/block_types.h"

namespace vigil::capture::detail {

namespace {

// Length limits of the reference reader (§7, §8, §9); longer strings mark a corrupt block.
constexpr size_t kMaxPath = 1024;
constexpr size_t kMaxArgs = 4096;
constexpr size_t kMaxCredential = 256;
// The pre-0.10 V9 tail: loginuid, exe_writable, three capability words (§8.2).
constexpr size_t kPre010TailSize = 4 + 1 + 3 * 8;

// Bounds-checked little-endian reads over one block body. The first failure sticks: later reads
// return zeroes, and `error` says what went wrong first.
class BodyCursor {
 public:
  BodyCursor(const uint8_t* p, size_t n) : p_(p), n_(n) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return n_ - pos_; }
  bool failed() const { return !error.empty(); }

  template <typename T>
  T get(const char* what) {
    T v{};
    if (!need(sizeof v, what)) return v;
    std::memcpy(&v, p_ + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }

  void bytes(void* dst, size_t n, const char* what) {
    if (!need(n, what)) return;
    std::memcpy(dst, p_ + pos_, n);
    pos_ += n;
  }

  // A str16 (§0): u16 length then that many bytes. `limit` is the first length that is refused.
  std::string str16(const char* what, size_t limit) {
    const uint16_t len = get<uint16_t>(what);
    if (failed()) return {};
    if (len >= limit) {
      fail(std::string(what) + " length " + std::to_string(len) + " exceeds " + std::to_string(limit - 1));
      return {};
    }
    if (!need(len, what)) return {};
    std::string s(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len;
    return s;
  }

  // A str16 holding NUL-terminated strings end to end (args, env, cgroups). A last item
  // without its NUL still counts, as the reference reader terminates it.
  std::vector<std::string> str16_list(const char* what, size_t limit) {
    const std::string raw = str16(what, limit);
    std::vector<std::string> items;
    size_t start = 0;
    while (start < raw.size()) {
      size_t nul = raw.find('\0', start);
      if (nul == std::string::npos) nul = raw.size();
      items.emplace_back(raw, start, nul - start);
      start = nul + 1;
    }
    return items;
  }

  void seek(size_t pos, const char* what) {
    if (pos > n_) {
      fail(std::string(what) + " runs past the end of the block");
      return;
    }
    pos_ = pos;
  }

  void fail(std::string message) {
    if (error.empty()) error = std::move(message);
    pos_ = n_;
  }

  std::string error;

 private:
  bool need(size_t n, const char* what) {
    if (failed()) return false;
    if (n > remaining()) {
      fail(std::string(what) + " runs past the end of the block");
      return false;
    }
    return true;
  }

  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

// Wraps an entry-level message with its position so errors point into the block.
std::string entry_error(const char* list, size_t index, const std::string& what) {
  return list + std::string(" entry ") + std::to_string(index) + ": " + what;
}

std::string parse_machine_info(BodyCursor& in, CaptureMetadata& out) {
  // The record can never grow (§5): any other size fails the reference reader's trailer check.
  if (in.remaining() != kMiBodySize) {
    return "machine info block body is " + std::to_string(in.remaining()) + " bytes, expected " +
           std::to_string(kMiBodySize);
  }
  MachineInfo mi;
  mi.num_cpus = in.get<uint32_t>("num_cpus");
  mi.memory_size_bytes = in.get<uint64_t>("memory_size_bytes");
  mi.max_pid = in.get<uint64_t>("max_pid");
  char host[128];
  in.bytes(host, sizeof host, "hostname");
  mi.hostname.assign(host, strnlen(host, sizeof host));
  mi.boot_ts_epoch = in.get<uint64_t>("boot_ts_epoch");
  mi.flags = in.get<uint64_t>("flags");
  out.machine = std::move(mi);
  return {};
}

std::string parse_interface_list(BodyCursor& in, bool v2, CaptureMetadata& out) {
  for (size_t index = 0; in.remaining() >= 4; ++index) {
    size_t entry_end = 0;
    if (v2) {
      const uint32_t entry_len = in.get<uint32_t>("entry_len");  // excludes itself (§6.2)
      entry_end = in.pos() + entry_len;
      if (entry_end > in.pos() + in.remaining())
        return entry_error("interface", index, "entry length " + std::to_string(entry_len) + " runs past the block");
    }
    InterfaceInfo info;
    const uint16_t type = in.get<uint16_t>("type");
    const uint16_t namelen = in.get<uint16_t>("ifnamelen");
    if (namelen >= kMaxPath)
      return entry_error("interface", index, "ifnamelen " + std::to_string(namelen) + " too long");
    switch (type) {
      case 1:
      case 3:
        in.bytes(info.addr.data(), 4, "addr");
        in.bytes(info.netmask.data(), 4, "netmask");
        in.bytes(info.bcast.data(), 4, "bcast");
        if (type == 1) info.link_speed = in.get<uint64_t>("linkspeed");
        break;
      case 2:
      case 4:
        in.bytes(info.addr.data(), 16, "addr");
        in.bytes(info.netmask.data(), 16, "netmask");
        in.bytes(info.bcast.data(), 16, "bcast");
        if (type == 2) info.link_speed = in.get<uint64_t>("linkspeed");
        break;
      default:
        return entry_error("interface", index, "unknown interface type " + std::to_string(type));
    }
    info.kind = static_cast<InterfaceInfo::Kind>(type);
    std::string name(namelen, '\0');
    in.bytes(name.data(), namelen, "ifname");
    info.name = std::move(name);
    if (in.failed()) return entry_error("interface", index, in.error);
    if (v2) {
      if (in.pos() > entry_end) return entry_error("interface", index, "fields run past the entry length");
      in.seek(entry_end, "interface entry");
    }
    out.interfaces.push_back(std::move(info));
  }
  return {};
}

std::string parse_user_list(BodyCursor& in, bool v2, CaptureMetadata& out) {
  for (size_t index = 0; in.remaining() >= 4; ++index) {
    const size_t entry_start = in.pos();
    uint32_t entry_len = 0;
    if (v2) {
      entry_len = in.get<uint32_t>("entry_len");  // counts itself (§7)
      if (entry_len > in.remaining() + 4)
        return entry_error("user", index, "entry length " + std::to_string(entry_len) + " runs past the block");
    }
    const uint8_t kind = in.get<uint8_t>("kind");
    if (kind == 0) {
      UserInfo u;
      u.uid = in.get<uint32_t>("uid");
      u.gid = in.get<uint32_t>("gid");
      u.name = in.str16("user name", kMaxCredential);
      u.homedir = in.str16("homedir", kMaxCredential);
      u.shell = in.str16("shell", kMaxCredential);
      if (in.failed()) return entry_error("user", index, in.error);
      out.users.push_back(std::move(u));
    } else {
      GroupInfo g;
      g.gid = in.get<uint32_t>("gid");
      g.name = in.str16("group name", kMaxCredential);
      if (in.failed()) return entry_error("user", index, in.error);
      out.groups.push_back(std::move(g));
    }
    if (v2 && entry_len != 0) {
      if (in.pos() - entry_start > entry_len) return entry_error("user", index, "fields run past the entry length");
      in.seek(entry_start + entry_len, "user entry");
    }
  }
  return {};
}

int process_list_version(uint32_t type) {
  switch (type) {
    case kPlV1: case kPlV1Int: return 1;
    case kPlV2: case kPlV2Int: return 2;
    case kPlV3: case kPlV3Int: return 3;
    case kPlV4: return 4;
    case kPlV5: return 5;
    case kPlV6: return 6;
    case kPlV7: return 7;
    case kPlV8: return 8;
    case kPlV9: return 9;
    default: return 0;
  }
}

// The V9 optional tail (§8.2): each field only when it still fits in the entry.
void parse_process_tail(BodyCursor& in, size_t entry_start, uint32_t entry_len, ThreadInfo& t) {
  auto fits = [&](size_t n) { return in.pos() - entry_start + n <= entry_len; };
  // libs 0.10 inserted two fields before loginuid; a tail no longer than the pre-0.10 one is
  // read in the old order.
  const bool pre_0_10 = entry_len - (in.pos() - entry_start) <= kPre010TailSize;
  if (!pre_0_10) {
    if (fits(8)) t.pidns_init_start_ts = in.get<uint64_t>("pidns_init_start_ts");
    if (fits(4)) t.tty = in.get<uint32_t>("tty");
  }
  if (fits(4)) t.loginuid = in.get<uint32_t>("loginuid");
  if (fits(1)) t.exe_writable = in.get<uint8_t>("exe_writable") != 0;
  if (fits(8)) t.cap_inheritable = in.get<uint64_t>("cap_inheritable");
  if (fits(8)) t.cap_permitted = in.get<uint64_t>("cap_permitted");
  if (fits(8)) t.cap_effective = in.get<uint64_t>("cap_effective");
  if (fits(1)) t.exe_upper_layer = in.get<uint8_t>("exe_upper_layer") != 0;
  if (fits(8)) t.exe_ino = in.get<uint64_t>("exe_ino");
  if (fits(8)) t.exe_ino_ctime = in.get<uint64_t>("exe_ino_ctime");
  if (fits(8)) t.exe_ino_mtime = in.get<uint64_t>("exe_ino_mtime");
  if (fits(1)) t.exe_from_memfd = in.get<uint8_t>("exe_from_memfd") != 0;
  if (fits(1)) t.exe_lower_layer = in.get<uint8_t>("exe_lower_layer") != 0;
  if (fits(8)) t.pgid = in.get<int64_t>("pgid");
}

std::string parse_process_list(BodyCursor& in, int version, CaptureMetadata& out) {
  for (size_t index = 0; in.remaining() >= 4; ++index) {
    const size_t entry_start = in.pos();
    uint32_t entry_len = 0;
    if (version == 9) {
      entry_len = in.get<uint32_t>("entry_len");  // counts itself (§8.1)
      if (entry_len > in.remaining() + 4)
        return entry_error("process list", index, "entry length " + std::to_string(entry_len) + " runs past the block");
    }
    ThreadInfo t;
    t.tid = in.get<int64_t>("tid");
    t.pid = in.get<int64_t>("pid");
    t.ptid = in.get<int64_t>("ptid");
    if (version >= 6) t.sid = in.get<int64_t>("sid");
    if (version >= 8) t.vpgid = in.get<int64_t>("vpgid");
    // The reference reader accepts exactly kMaxPath / kMaxArgs bytes here (one more than in
    // the fd and interface lists).
    t.comm = in.str16("comm", kMaxPath + 1);
    t.exe = in.str16("exe", kMaxPath + 1);
    if (version >= 7) t.exepath = in.str16("exepath", kMaxPath + 1);
    t.args = in.str16_list("args", kMaxArgs + 1);
    t.cwd = in.str16("cwd", kMaxPath + 1);
    t.fdlimit = in.get<uint64_t>("fdlimit");
    t.flags = in.get<uint32_t>("flags");
    t.uid = in.get<uint32_t>("uid");
    t.gid = in.get<uint32_t>("gid");
    if (version >= 2) {
      t.vmsize_kb = in.get<uint32_t>("vmsize_kb");
      t.vmrss_kb = in.get<uint32_t>("vmrss_kb");
      t.vmswap_kb = in.get<uint32_t>("vmswap_kb");
      t.pfmajor = in.get<uint64_t>("pfmajor");
      t.pfminor = in.get<uint64_t>("pfminor");
    }
    if (version >= 3) t.env = in.str16_list("env", kMaxArgs + 1);
    if (version >= 4) {
      t.vtid = in.get<int64_t>("vtid");
      t.vpid = in.get<int64_t>("vpid");
      t.cgroups = in.str16_list("cgroups", kMaxArgs + 1);
    }
    if (version >= 5) t.root = in.str16("root", kMaxPath + 1);
    if (in.failed()) return entry_error("process list", index, in.error);
    if (entry_len != 0) {
      if (in.pos() - entry_start > entry_len)
        return entry_error("process list", index, "fields run past the entry length " + std::to_string(entry_len));
      parse_process_tail(in, entry_start, entry_len, t);
      if (in.failed()) return entry_error("process list", index, in.error);
      in.seek(entry_start + entry_len, "process list entry");
    }
    out.threads.push_back(std::move(t));
  }
  return {};
}

std::string parse_fd_entry(BodyCursor& in, bool v2, FdInfo& fd) {
  const size_t entry_start = in.pos();
  uint32_t entry_len = 0;
  if (v2) {
    entry_len = in.get<uint32_t>("entry_len");  // counts itself (§9)
    if (entry_len > in.remaining() + 4)
      return "entry length " + std::to_string(entry_len) + " runs past the block";
  }
  fd.fd = in.get<int64_t>("fd");
  fd.ino = in.get<uint64_t>("ino");
  const uint8_t type = in.get<uint8_t>("fd_type");
  if (in.failed()) return in.error;
  fd.type = static_cast<FdType>(type);
  switch (fd.type) {
    case FdType::Ipv4Sock:
      in.bytes(fd.sip.data(), 4, "sip");
      in.bytes(fd.dip.data(), 4, "dip");
      fd.sport = in.get<uint16_t>("sport");
      fd.dport = in.get<uint16_t>("dport");
      fd.l4proto = in.get<uint8_t>("l4proto");
      break;
    case FdType::Ipv6Sock:
      in.bytes(fd.sip.data(), 16, "sip");
      in.bytes(fd.dip.data(), 16, "dip");
      fd.sport = in.get<uint16_t>("sport");
      fd.dport = in.get<uint16_t>("dport");
      fd.l4proto = in.get<uint8_t>("l4proto");
      break;
    case FdType::Ipv4ServSock:
      in.bytes(fd.sip.data(), 4, "ip");
      fd.sport = in.get<uint16_t>("port");
      fd.l4proto = in.get<uint8_t>("l4proto");
      break;
    case FdType::Ipv6ServSock:
      in.bytes(fd.sip.data(), 16, "ip");
      fd.sport = in.get<uint16_t>("port");
      fd.l4proto = in.get<uint8_t>("l4proto");
      break;
    case FdType::UnixSock:
      fd.unix_src = in.get<uint64_t>("source");
      fd.unix_dst = in.get<uint64_t>("destination");
      fd.name = in.str16("name", kMaxPath);
      break;
    case FdType::FileV2:
      fd.open_flags = in.get<uint32_t>("open_flags");
      fd.name = in.str16("name", kMaxPath);
      // dev exists only in V2 entries that leave room for it.
      if (v2 && entry_len != 0 && in.pos() - entry_start + 4 <= entry_len) fd.dev = in.get<uint32_t>("dev");
      break;
    case FdType::File: case FdType::Directory: case FdType::Fifo: case FdType::Event:
    case FdType::Unsupported: case FdType::SignalFd: case FdType::EventPoll: case FdType::Inotify:
    case FdType::TimerFd: case FdType::Netlink: case FdType::Bpf: case FdType::UserFaultFd:
    case FdType::IoUring: case FdType::Memfd: case FdType::PidFd:
      fd.name = in.str16("name", kMaxPath);
      break;
    default:
      // A type from a newer writer: V2 entries say how long they are, so the newest reader
      // keeps the fd as unsupported; a V1 entry cannot be skipped.
      if (!v2 || entry_len == 0) return "unknown fd type " + std::to_string(type);
      fd.type = FdType::Unsupported;
      fd.name = "unknown-type:[" + std::to_string(type) + "]";
      break;
  }
  if (in.failed()) return in.error;
  if (entry_len != 0) {
    if (in.pos() - entry_start > entry_len)
      return "fields run past the entry length " + std::to_string(entry_len);
    in.seek(entry_start + entry_len, "fd entry");
  }
  return {};
}

std::string parse_fd_list(BodyCursor& in, bool v2, CaptureMetadata& out) {
  FdList list;
  list.tid = in.get<int64_t>("tid");
  if (in.failed()) return "fd list: " + in.error;
  for (size_t index = 0; in.remaining() >= 4; ++index) {
    FdInfo fd;
    std::string err = parse_fd_entry(in, v2, fd);
    if (!err.empty()) return entry_error("fd list", index, err);
    list.fds.push_back(std::move(fd));
  }
  out.fd_lists.push_back(std::move(list));
  return {};
}

}  // namespace

bool is_metadata_block(uint32_t block_type) {
  switch (block_type) {
    case kMi: case kMiInt:
    case kIlV1: case kIlV1Int: case kIlV2:
    case kUlV1: case kUlV1Int: case kUlV2:
    case kFdlV1: case kFdlV1Int: case kFdlV2:
      return true;
    default:
      return process_list_version(block_type) != 0;
  }
}

std::string parse_metadata_block(uint32_t block_type, const uint8_t* body, size_t body_len, CaptureMetadata& out) {
  BodyCursor in(body, body_len);
  switch (block_type) {
    case kMi: case kMiInt: return parse_machine_info(in, out);
    case kIlV1: case kIlV1Int: return parse_interface_list(in, false, out);
    case kIlV2: return parse_interface_list(in, true, out);
    case kUlV1: case kUlV1Int: return parse_user_list(in, false, out);
    case kUlV2: return parse_user_list(in, true, out);
    case kFdlV1: case kFdlV1Int: return parse_fd_list(in, false, out);
    case kFdlV2: return parse_fd_list(in, true, out);
    default: break;
  }
  if (const int version = process_list_version(block_type)) return parse_process_list(in, version, out);
  return "not a metadata block";
}

}  // namespace vigil::capture::detail
