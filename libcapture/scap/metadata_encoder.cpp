#include "scap/metadata_encoder.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "scap/byte_sink.h"

namespace vigil::capture::detail {

namespace {

// Field limits the readers enforce (§6-§9); longer values are cut so the file stays readable.
constexpr size_t kMaxPathLen = 1024;
constexpr size_t kMaxListLen = 4096;
constexpr size_t kMaxIfNameLen = 1023;
constexpr size_t kMaxUserFieldLen = 255;
constexpr size_t kMaxFdNameLen = 1023;
constexpr size_t kHostnameSize = 128;

// args/env/cgroups: NUL-terminated items end to end (§8.1), cut after the last item that fits.
void put_string_list(ByteSink& sink, const std::vector<std::string>& items, size_t max) {
  size_t len = 0;
  size_t count = 0;
  for (const std::string& item : items) {
    if (len + item.size() + 1 > max) break;
    len += item.size() + 1;
    ++count;
  }
  sink.put<uint16_t>(static_cast<uint16_t>(len));
  for (size_t i = 0; i < count; ++i) sink.bytes(items[i].c_str(), items[i].size() + 1);
}

std::string_view fd_type_label(FdType type) {
  switch (type) {
    case FdType::Bpf: return "bpf";
    case FdType::UserFaultFd: return "userfaultfd";
    case FdType::IoUring: return "io_uring";
    case FdType::Memfd: return "memfd";
    case FdType::PidFd: return "pidfd";
    default: return "unknown";
  }
}

}  // namespace

void encode_machine_info(const MachineInfo& m, std::vector<uint8_t>& body) {
  body.clear();
  ByteSink sink(body);
  sink.put<uint32_t>(m.num_cpus);
  sink.put<uint64_t>(m.memory_size_bytes);
  sink.put<uint64_t>(m.max_pid);
  char hostname[kHostnameSize] = {};
  // Keep a NUL inside the array: readers treat it as a C string.
  std::memcpy(hostname, m.hostname.data(), std::min(m.hostname.size(), kHostnameSize - 1));
  sink.bytes(hostname, sizeof hostname);
  sink.put<uint64_t>(m.boot_ts_epoch);
  sink.put<uint64_t>(m.flags);
  sink.put<uint64_t>(0);  // reserved3
  sink.put<uint64_t>(0);  // reserved4
}

void encode_interface_list(const std::vector<InterfaceInfo>& interfaces, std::vector<uint8_t>& body) {
  body.clear();
  ByteSink sink(body);
  for (const InterfaceInfo& itf : interfaces) {
    const size_t len_at = sink.reserve_u32();  // IL_V2 entry_len excludes itself (§6.2)
    const std::string_view name = std::string_view(itf.name).substr(0, kMaxIfNameLen);
    sink.put<uint16_t>(static_cast<uint16_t>(itf.kind));
    sink.put<uint16_t>(static_cast<uint16_t>(name.size()));
    const bool v6 = itf.kind == InterfaceInfo::Kind::Ipv6 || itf.kind == InterfaceInfo::Kind::Ipv6NoLinkSpeed;
    const size_t addr_len = v6 ? 16 : 4;
    sink.bytes(itf.addr.data(), addr_len);
    sink.bytes(itf.netmask.data(), addr_len);
    sink.bytes(itf.bcast.data(), addr_len);
    if (itf.kind == InterfaceInfo::Kind::Ipv4 || itf.kind == InterfaceInfo::Kind::Ipv6) sink.put<uint64_t>(itf.link_speed);
    sink.bytes(name.data(), name.size());
    sink.patch_u32(len_at, static_cast<uint32_t>(sink.size() - len_at - 4));
  }
}

void encode_user_list(const std::vector<UserInfo>& users, const std::vector<GroupInfo>& groups,
                      std::vector<uint8_t>& body) {
  body.clear();
  ByteSink sink(body);
  for (const UserInfo& u : users) {
    const size_t len_at = sink.reserve_u32();  // UL_V2 entry_len counts itself (§7)
    sink.put<uint8_t>(0);
    sink.put<uint32_t>(u.uid);
    sink.put<uint32_t>(u.gid);
    sink.str16(u.name, kMaxUserFieldLen);
    sink.str16(u.homedir, kMaxUserFieldLen);
    sink.str16(u.shell, kMaxUserFieldLen);
    sink.patch_u32(len_at, static_cast<uint32_t>(sink.size() - len_at));
  }
  for (const GroupInfo& g : groups) {
    const size_t len_at = sink.reserve_u32();
    sink.put<uint8_t>(1);
    sink.put<uint32_t>(g.gid);
    sink.str16(g.name, kMaxUserFieldLen);
    sink.patch_u32(len_at, static_cast<uint32_t>(sink.size() - len_at));
  }
}

void encode_process_list(const std::vector<ThreadInfo>& threads, MetadataFlavor flavor, std::vector<uint8_t>& body) {
  body.clear();
  ByteSink sink(body);
  for (const ThreadInfo& t : threads) {
    const size_t len_at = sink.reserve_u32();  // PL_V9 entry_len counts itself (§8.1)
    sink.put<int64_t>(t.tid);
    sink.put<int64_t>(t.pid);
    sink.put<int64_t>(t.ptid);
    sink.put<int64_t>(t.sid);
    sink.put<int64_t>(t.vpgid);
    sink.str16(t.comm, kMaxPathLen);
    sink.str16(t.exe, kMaxPathLen);
    sink.str16(t.exepath, kMaxPathLen);
    put_string_list(sink, t.args, kMaxListLen);
    sink.str16(t.cwd, kMaxPathLen);
    sink.put<uint64_t>(t.fdlimit);
    sink.put<uint32_t>(t.flags);
    sink.put<uint32_t>(t.uid);
    sink.put<uint32_t>(t.gid);
    sink.put<uint32_t>(t.vmsize_kb);
    sink.put<uint32_t>(t.vmrss_kb);
    sink.put<uint32_t>(t.vmswap_kb);
    sink.put<uint64_t>(t.pfmajor);
    sink.put<uint64_t>(t.pfminor);
    put_string_list(sink, t.env, kMaxListLen);
    sink.put<int64_t>(t.vtid);
    sink.put<int64_t>(t.vpid);
    put_string_list(sink, t.cgroups, kMaxListLen);
    sink.str16(t.root, kMaxPathLen);
    if (flavor == MetadataFlavor::Newest) {
      // The post-0.10 order (§8.2): newest readers recognise it by a tail longer than 29 bytes.
      sink.put<uint64_t>(t.pidns_init_start_ts);
      sink.put<uint32_t>(t.tty);
    }
    // The pre-0.10 order, which the 2022 reader expects right after `root` (§8.2).
    sink.put<uint32_t>(t.loginuid);
    sink.put<uint8_t>(t.exe_writable ? 1 : 0);
    sink.put<uint64_t>(t.cap_inheritable);
    sink.put<uint64_t>(t.cap_permitted);
    sink.put<uint64_t>(t.cap_effective);
    if (flavor == MetadataFlavor::Newest) {
      sink.put<uint8_t>(t.exe_upper_layer ? 1 : 0);
      sink.put<uint64_t>(t.exe_ino);
      sink.put<uint64_t>(t.exe_ino_ctime);
      sink.put<uint64_t>(t.exe_ino_mtime);
      sink.put<uint8_t>(t.exe_from_memfd ? 1 : 0);
      sink.put<uint8_t>(t.exe_lower_layer ? 1 : 0);
      sink.put<int64_t>(t.pgid);
    }
    sink.patch_u32(len_at, static_cast<uint32_t>(sink.size() - len_at));
  }
}

void encode_fd_list(const FdList& list, MetadataFlavor flavor, std::vector<uint8_t>& body) {
  body.clear();
  ByteSink sink(body);
  sink.put<int64_t>(list.tid);
  for (const FdInfo& fd : list.fds) {
    FdType type = fd.type;
    std::string_view name = fd.name;
    // 0 is never written (§9); the 2022 reader rejects the whole file on types above 16, so
    // those become UNSUPPORTED with a name that still says what they were.
    const bool unknown_to_2022 = static_cast<uint8_t>(type) > static_cast<uint8_t>(FdType::FileV2);
    if (type == FdType::Unknown || (flavor == MetadataFlavor::Sysdig029 && unknown_to_2022)) {
      if (name.empty()) name = fd_type_label(type);
      type = FdType::Unsupported;
    }
    const size_t len_at = sink.reserve_u32();  // FDL_V2 entry_len counts itself (§9)
    sink.put<int64_t>(fd.fd);
    sink.put<uint64_t>(fd.ino);
    sink.put<uint8_t>(static_cast<uint8_t>(type));
    switch (type) {
      case FdType::Ipv4Sock:
        sink.bytes(fd.sip.data(), 4);
        sink.bytes(fd.dip.data(), 4);
        sink.put<uint16_t>(fd.sport);
        sink.put<uint16_t>(fd.dport);
        sink.put<uint8_t>(fd.l4proto);
        break;
      case FdType::Ipv6Sock:
        sink.bytes(fd.sip.data(), 16);
        sink.bytes(fd.dip.data(), 16);
        sink.put<uint16_t>(fd.sport);
        sink.put<uint16_t>(fd.dport);
        sink.put<uint8_t>(fd.l4proto);
        break;
      case FdType::Ipv4ServSock:
        sink.bytes(fd.sip.data(), 4);
        sink.put<uint16_t>(fd.sport);
        sink.put<uint8_t>(fd.l4proto);
        break;
      case FdType::Ipv6ServSock:
        sink.bytes(fd.sip.data(), 16);
        sink.put<uint16_t>(fd.sport);
        sink.put<uint8_t>(fd.l4proto);
        break;
      case FdType::UnixSock:
        sink.put<uint64_t>(fd.unix_src);
        sink.put<uint64_t>(fd.unix_dst);
        sink.str16(name, kMaxFdNameLen);
        break;
      case FdType::FileV2:
        sink.put<uint32_t>(fd.open_flags);
        sink.str16(name, kMaxFdNameLen);
        // Newest mode keeps "unknown" unknown (a round trip of an FDL v1 file stays equal).
        if (fd.dev || flavor == MetadataFlavor::Sysdig029) sink.put<uint32_t>(fd.dev.value_or(0));
        break;
      default:
        sink.str16(name, kMaxFdNameLen);
        break;
    }
    sink.patch_u32(len_at, static_cast<uint32_t>(sink.size() - len_at));
  }
}

}  // namespace vigil::capture::detail
