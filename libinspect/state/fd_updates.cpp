// Fd-table updates: every syscall that creates, changes or closes an fd.
#include <algorithm>

#include "state/inspector_impl.h"
#include "state/real_path.h"

namespace vigil::inspect {

using capture::FdType;
using capture::ParamView;
using detail::StateAction;

namespace {

constexpr uint32_t kOCloexec = 4096;      // PPM_O_CLOEXEC
constexpr uint32_t kODirectory = 1024;    // PPM_O_DIRECTORY
constexpr int64_t kAtFdCwd = -100;
constexpr uint32_t kCloseRangeCloexec = 4;
constexpr uint64_t kFcntlDupfd = 1, kFcntlDupfdCloexec = 26, kFcntlSetfd = 3;

void copy_fd(const FdState& from, FdState& to) {
  const int64_t fd = to.fd;
  to = from;
  to.fd = fd;
}

L4Proto l4proto_for(uint32_t type, uint32_t proto) {
  constexpr uint32_t kStream = 1, kDgram = 2, kRaw = 3;
  const uint32_t base = type & 0xff;
  switch (proto) {
    case 6: return base == kRaw ? L4Proto::Raw : L4Proto::Tcp;
    case 17: return base == kRaw ? L4Proto::Raw : L4Proto::Udp;
    case 1: case 58: return base == kRaw ? L4Proto::Raw : L4Proto::Icmp;
    case 255: return L4Proto::Raw;
    case 0: return base == kStream ? L4Proto::Tcp : base == kDgram ? L4Proto::Udp : L4Proto::Unknown;
    default: return L4Proto::Unknown;
  }
}

bool is_zero(const std::array<uint8_t, 16>& a, bool v6) {
  for (size_t i = 0; i < (v6 ? 16u : 4u); ++i)
    if (a[i]) return false;
  return true;
}

bool is_mapped_v4(const std::array<uint8_t, 16>& a) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::equal(kMapped, kMapped + 12, a.begin());
}

}  // namespace

void Inspector::Impl::infer_local_address(FdState& fd) const {
  const bool v6 = fd.is_ipv6();
  if (!is_zero(fd.sip, v6) && !is_zero(fd.dip, v6)) return;
  const bool fill_source = is_zero(fd.sip, v6);
  const std::array<uint8_t, 16>& known = fill_source ? fd.dip : fd.sip;
  // Pick the interface address that can talk to `known`: the same address, the same subnet,
  // else the first non-loopback one.
  std::array<uint8_t, 16> guess{};
  bool found = false;
  auto kind_ok = [&](const capture::InterfaceInfo& i) {
    const bool iv6 = i.kind == capture::InterfaceInfo::Kind::Ipv6 || i.kind == capture::InterfaceInfo::Kind::Ipv6NoLinkSpeed;
    return iv6 == v6;
  };
  const size_t n = v6 ? 16 : 4;
  for (const auto& i : interfaces) {
    if (kind_ok(i) && std::equal(i.addr.begin(), i.addr.begin() + n, known.begin())) {
      guess = i.addr;
      found = true;
      break;
    }
  }
  if (!found && !v6) {
    for (const auto& i : interfaces) {
      if (!kind_ok(i)) continue;
      bool same = true;
      for (size_t b = 0; b < 4; ++b) same &= (i.addr[b] & i.netmask[b]) == (known[b] & i.netmask[b]);
      if (same) {
        guess = i.addr;
        found = true;
        break;
      }
    }
  }
  if (!found && v6) {
    static constexpr std::array<uint8_t, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (known == kLoopback6) {
      guess = kLoopback6;
      found = true;
    }
  }
  if (!found) {
    for (const auto& i : interfaces) {
      if (!kind_ok(i)) continue;
      const bool loopback = v6 ? (i.addr[15] == 1 && std::all_of(i.addr.begin(), i.addr.begin() + 15,
                                                                  [](uint8_t b) { return b == 0; }))
                               : i.addr[0] == 127;
      if (!loopback) {
        guess = i.addr;
        found = true;
        break;
      }
    }
  }
  if (std::equal(guess.begin(), guess.begin() + n, known.begin()) && fd.sport == fd.dport) return;
  (fill_source ? fd.sip : fd.dip) = guess;
}

bool Inspector::Impl::update_tuple(FdState& fd, const capture::SockTuple& t) {
  if (t.family == capture::kAfUnix) {
    fd.type = FdType::UnixSock;
    fd.family = capture::kAfUnix;
    fd.unix_src = t.unix_src;
    fd.unix_dst = t.unix_dst;
    rename_fd(fd, t.unix_path);
    return true;
  }
  if (t.family != capture::kAfInet && t.family != capture::kAfInet6) return false;
  std::array<uint8_t, 16> src = t.src_addr, dst = t.dst_addr;
  bool v4 = t.family == capture::kAfInet;
  if (!v4 && is_mapped_v4(src) && is_mapped_v4(dst)) {
    // An IPv4-mapped pair is an IPv4 connection.
    v4 = true;
    src = {};
    dst = {};
    std::copy(t.src_addr.begin() + 12, t.src_addr.end(), src.begin());
    std::copy(t.dst_addr.begin() + 12, t.dst_addr.end(), dst.begin());
  }
  const FdType type = v4 ? FdType::Ipv4Sock : FdType::Ipv6Sock;
  if (fd.type == type) {
    const bool same = fd.sip == src && fd.sport == t.src_port && fd.dip == dst && fd.dport == t.dst_port;
    const bool reversed = fd.sip == dst && fd.sport == t.dst_port && fd.dip == src && fd.dport == t.src_port;
    if (same || reversed) return false;
  } else if (fd.type == FdType::Ipv4ServSock || fd.type == FdType::Ipv6ServSock) {
    // A server socket used for datagrams: its bound address no longer names it.
    fd.dip = {};
    fd.dport = 0;
  }
  fd.type = type;
  fd.family = v4 ? capture::kAfInet : capture::kAfInet6;
  fd.sip = src;
  fd.sport = t.src_port;
  if (is_zero(fd.dip, !v4)) fd.dip = dst;
  if (fd.dport == 0) fd.dport = t.dst_port;
  return true;
}

void Inspector::Impl::rename_fd(FdState& fd, std::string_view name) {
  if (fd.name == name) return;
  fd.name.assign(name);
  fd.name_changed_at = stats.events;
}

void Inspector::Impl::rename_socket(FdState& fd) {
  format_socket_name(fd, name_scratch);
  rename_fd(fd, name_scratch);
}

FdState* Inspector::Impl::open_fd(ThreadState* t, int64_t fd) {
  FdState* slot = t->files->fds.open(fd, options.max_fds_per_process);
  if (!slot && fd >= 0) ++stats.fds_refused;
  return slot;
}

void Inspector::Impl::on_fd_event(const EventContext& ctx, ThreadState* t, const detail::EventAction& action) {
  const capture::EventView& ev = ctx.event();
  FdTable& fds = t->files->fds;
  switch (action.action) {
    case StateAction::Open: {
      const int64_t fd = ctx.fd_num();
      if (fd < 0) return;
      // The enter event's path wins: it was read before the kernel could see a changed buffer.
      ParamView name = ev.param("name");
      uint32_t flags = ev.param("flags").as_u32();
      ParamView dirfd = ev.param("dirfd");
      if (const capture::EventView* enter = ctx.enter_event()) {
        ParamView enter_name = enter->param("name");
        if (!enter_name.empty() && enter_name.as_string() != "<NA>") {
          name = enter_name;
          flags = enter->param("flags").as_u32() | (flags & ~(16384u - 1));
          if (ParamView d = enter->param("dirfd"); !d.empty()) dirfd = d;
        }
      }
      if (ev.param_index("path") >= 0) name = ev.param("path");  // open_by_handle_at
      // Resolve before opening the slot: opening may move the directory's entry.
      std::string_view base = t->files->cwd;
      if (!dirfd.empty() && dirfd.as_i64() != kAtFdCwd) {
        const FdState* dir = fds.find(dirfd.as_i64());
        if (dir) {
          base = dir->name;
        } else if (!name.as_string().starts_with('/')) {
          base = "<UNKNOWN>/";
        }
      }
      resolve_path(base, name.as_string(), path_scratch);
      if (live) detail::unnormalized_open_path(base, name.as_string(), realpath_scratch);
      FdState* slot = open_fd(t, fd);
      if (!slot) return;
      if (live) slot->realpath.assign(realpath_scratch);
      slot->type = (flags & kODirectory) ? FdType::Directory : FdType::File;
      slot->open_flags = flags;
      slot->cloexec = (flags & kOCloexec) != 0;
      slot->dev = ctx.param("dev").as_u32();
      slot->ino = ctx.param("ino").as_u64();
      slot->nameraw.assign(name.as_string());
      rename_fd(*slot, path_scratch);
      return;
    }
    case StateAction::Socket: {
      const int64_t fd = ctx.fd_num();
      if (fd < 0) return;
      const uint32_t domain = ctx.param("domain").as_u32();
      const uint32_t type = ctx.param("type").as_u32();
      const uint32_t proto = ctx.param("proto").as_u32();
      FdState* slot = open_fd(t, fd);
      if (!slot) return;
      slot->family = static_cast<uint8_t>(domain);
      if (domain == capture::kAfUnix) {
        slot->type = FdType::UnixSock;
      } else if (domain == capture::kAfInet || domain == capture::kAfInet6) {
        slot->type = domain == capture::kAfInet ? FdType::Ipv4Sock : FdType::Ipv6Sock;
        slot->l4proto = l4proto_for(type, proto);
      } else if (domain == 16) {
        slot->type = FdType::Netlink;
      } else {
        slot->type = FdType::Unknown;
      }
      slot->cloexec = (type & 02000000) != 0;  // SOCK_CLOEXEC
      return;
    }
    case StateAction::Bind: {
      if (ctx.param("res").as_i64() < 0) return;
      FdState* slot = fds.find(ctx.fd_num());
      if (!slot) return;
      const capture::SockAddr addr = ctx.param("addr").as_sockaddr();
      if (addr.family == capture::kAfInet || addr.family == capture::kAfInet6) {
        if (addr.port > 0) {
          slot->type = addr.family == capture::kAfInet ? FdType::Ipv4ServSock : FdType::Ipv6ServSock;
          slot->dip = addr.addr;
          slot->dport = addr.port;
          slot->role = FdState::Role::Server;
        }
        // Bound sockets are named by their local address only: "ip:port".
        name_scratch.clear();
        format_endpoint(addr.addr, addr.family == capture::kAfInet6, addr.port, name_scratch);
        rename_fd(*slot, name_scratch);
      } else if (addr.family == capture::kAfUnix) {
        rename_fd(*slot, addr.unix_path);
      }
      return;
    }
    case StateAction::Connect: {
      const int64_t res = ctx.param("res").as_i64();
      FdState* slot = fds.find(ctx.fd_num());
      if (!slot) return;
      if (res < 0 && res != -115) return;  // EINPROGRESS still connects
      const capture::SockTuple tuple = ctx.param("tuple").as_socktuple();
      if (tuple.family == 0) return;
      const bool changed = update_tuple(*slot, tuple);
      if (slot->is_ipv4() || slot->is_ipv6()) {
        if (changed && slot->role == FdState::Role::Server && slot->l4proto == L4Proto::Udp) {
          std::swap(slot->sip, slot->dip);
          std::swap(slot->sport, slot->dport);
        }
        rename_socket(*slot);
      }
      if (slot->role == FdState::Role::None) slot->role = FdState::Role::Client;
      return;
    }
    case StateAction::ConnectEnter: {
      // The destination as the caller asked for it, before the kernel resolves the connection.
      FdState* slot = fds.find(ctx.fd_num());
      if (!slot) return;
      const capture::SockAddr addr = ctx.param("addr").as_sockaddr();
      if (addr.family == capture::kAfInet || addr.family == capture::kAfInet6) {
        std::array<uint8_t, 16> ip = addr.addr;
        bool v4 = addr.family == capture::kAfInet;
        if (!v4 && is_mapped_v4(ip)) {
          v4 = true;
          ip = {};
          std::copy(addr.addr.begin() + 12, addr.addr.end(), ip.begin());
        }
        slot->type = v4 ? FdType::Ipv4Sock : FdType::Ipv6Sock;
        slot->family = v4 ? capture::kAfInet : capture::kAfInet6;
        slot->dip = ip;
        slot->dport = addr.port;
      } else if (addr.family == capture::kAfUnix) {
        rename_fd(*slot, addr.unix_path);
      }
      return;
    }
    case StateAction::SocketIo: {
      // Datagram sockets learn their peers from sendto/recvfrom tuples.
      int64_t res = ctx.param("res").as_i64();
      FdState* slot = fds.find(ctx.fd_num());
      if (res < 0 || !slot) return;
      if (!(slot->is_ipv4() || slot->is_ipv6() || slot->type == FdType::UnixSock)) return;
      if (!slot->name.empty() && slot->l4proto == L4Proto::Tcp && slot->role != FdState::Role::None) return;
      ParamView tp = ctx.param("tuple");
      if (tp.empty() && ctx.enter_event()) tp = ctx.enter_event()->param("tuple");
      const capture::SockTuple tuple = tp.as_socktuple();
      if (tuple.family == 0 || !update_tuple(*slot, tuple)) return;
      if (slot->type == FdType::UnixSock) return;
      if (slot->l4proto == L4Proto::Unknown) slot->l4proto = L4Proto::Udp;
      infer_local_address(*slot);
      const bool incoming = ctx.event().info() && (ctx.event().info()->flags & capture::kReadsFromFd);
      if (slot->role == FdState::Role::None) {
        // A process that listens on the peer port is the server; otherwise a client.
        bool owns_port = false;
        fds.for_each([&](const FdState& other) {
          owns_port |= (other.type == FdType::Ipv4ServSock || other.type == FdType::Ipv6ServSock) && other.dport == slot->dport;
        });
        slot->role = owns_port ? FdState::Role::Server : FdState::Role::Client;
      }
      // Received tuples name the peer first; keep client -> server order.
      if (slot->role == (incoming ? FdState::Role::Client : FdState::Role::Server)) {
        std::swap(slot->sip, slot->dip);
        std::swap(slot->sport, slot->dport);
      }
      rename_socket(*slot);
      return;
    }
    case StateAction::Accept: {
      const int64_t fd = ctx.fd_num();
      if (fd < 0) return;
      const capture::SockTuple tuple = ctx.param("tuple").as_socktuple();
      FdState* slot = open_fd(t, fd);
      if (!slot) return;
      if (tuple.family != 0) {
        update_tuple(*slot, tuple);
        slot->l4proto = L4Proto::Tcp;
        if (slot->is_ipv4() || slot->is_ipv6()) rename_socket(*slot);
      } else {
        slot->type = FdType::Unknown;
      }
      slot->role = FdState::Role::Server;
      slot->cloexec = (ctx.param("flags").as_u32() & 02000000) != 0;
      return;
    }
    case StateAction::SocketPair: {
      if (ctx.param("res").as_i64() < 0) return;
      const int64_t fd1 = ctx.param("fd1").as_i64(), fd2 = ctx.param("fd2").as_i64();
      if (fd1 == fd2 || fd1 < 0 || fd2 < 0) return;
      for (int64_t fd : {fd1, fd2}) {
        FdState* slot = open_fd(t, fd);
        if (!slot) continue;
        slot->type = FdType::UnixSock;
        slot->family = capture::kAfUnix;
        slot->unix_src = ctx.param("source").as_u64();
        slot->unix_dst = ctx.param("peer").as_u64();
      }
      return;
    }
    case StateAction::Pipe: {
      if (ctx.param("res").as_i64() < 0) return;
      const int64_t fd1 = ctx.param("fd1").as_i64(), fd2 = ctx.param("fd2").as_i64();
      const uint32_t flags = ctx.param("flags").as_u32();
      for (int64_t fd : {fd1, fd2}) {
        FdState* slot = open_fd(t, fd);
        if (!slot) continue;
        slot->type = FdType::Fifo;
        slot->ino = ctx.param("ino").as_u64();
        slot->open_flags = flags;
        slot->cloexec = (flags & kOCloexec) != 0;
      }
      return;
    }
    case StateAction::SingleFd:
    case StateAction::Memfd: {
      int64_t fd = ctx.fd_num();
      if (ParamView dyn = ev.param("res_or_fd"); !dyn.empty()) {
        if (dyn.dyn_index() != 1) return;  // bpf: only the fd alternative creates one
        fd = dyn.dyn_value().as_i64();
      }
      if (fd < 0) return;
      FdState* slot = open_fd(t, fd);
      if (!slot) return;
      if (action.action == StateAction::Memfd) {
        slot->type = FdType::Memfd;
        name_scratch = "memfd:";
        name_scratch.append(ctx.param("name").as_string());
        rename_fd(*slot, name_scratch);
      } else {
        slot->type = static_cast<FdType>(action.fd_type);
      }
      slot->open_flags = ctx.param("flags").as_u32();
      return;
    }
    case StateAction::Dup: {
      const int64_t res = ctx.param("res").as_i64();
      if (res < 0) return;
      ParamView oldfd_param = ctx.param("oldfd");
      if (oldfd_param.empty()) oldfd_param = ctx.param("fd");
      const FdState* old = fds.find(oldfd_param.as_i64());
      if (!old) {
        ++stats.unknown_fd_events;
        return;
      }
      if (res == oldfd_param.as_i64()) return;
      const FdState copy = *old;
      FdState* slot = open_fd(t, res);
      if (!slot) return;
      copy_fd(copy, *slot);
      // dup3(O_CLOEXEC) sets close-on-exec on the new fd; dup/dup2 clear it.
      slot->cloexec = (ctx.param("flags").as_u32() & kOCloexec) != 0;
      return;
    }
    case StateAction::Fcntl: {
      const int64_t res = ctx.param("res").as_i64();
      const uint64_t cmd = ctx.param("cmd").as_u64();
      if (res < 0) return;
      ParamView src_param = ctx.param("fd");
      const int64_t src = src_param.empty() ? t->lastevent_fd : src_param.as_i64();
      if (cmd == kFcntlDupfd || cmd == kFcntlDupfdCloexec) {
        const FdState* old = fds.find(src);
        if (!old) return;
        const FdState copy = *old;
        FdState* slot = open_fd(t, res);
        if (!slot) return;
        copy_fd(copy, *slot);
        slot->cloexec = cmd == kFcntlDupfdCloexec;
      } else if (cmd == kFcntlSetfd) {
        if (FdState* slot = fds.find(src)) slot->cloexec = (ctx.param("arg").as_u64() & 1) != 0;
      }
      return;
    }
    case StateAction::Close: {
      if (ctx.param("res").as_i64() < 0) return;
      if (ev.direction() != capture::Direction::Exit) return;
      if (fds.find(ctx.fd_num())) fds_to_close.push_back({t->files, ctx.fd_num()});
      return;
    }
    case StateAction::CloseRange: {
      if (ctx.param("res").as_i64() < 0) return;
      const uint32_t first = ctx.param("first").as_u32(), last = ctx.param("last").as_u32();
      const bool only_cloexec = (ctx.param("flags").as_u32() & kCloseRangeCloexec) != 0;
      std::vector<int64_t> hit;
      fds.for_each([&](const FdState& fd) {
        if (fd.fd >= first && fd.fd <= last) hit.push_back(fd.fd);
      });
      for (int64_t fd : hit) {
        if (only_cloexec) {
          fds.find(fd)->cloexec = true;
        } else {
          fds_to_close.push_back({t->files, fd});
        }
      }
      return;
    }
    case StateAction::PidfdGetfd: {
      const int64_t fd = ctx.fd_num();
      if (fd < 0) return;
      // The target fd belongs to the process behind pid_fd; resolve it when we can.
      const FdState* pidfd = fds.find(ctx.param("pid_fd").as_i64());
      (void)pidfd;
      FdState* slot = open_fd(t, fd);
      if (slot) slot->type = FdType::Unknown;
      return;
    }
    default:
      return;
  }
}

}  // namespace vigil::inspect
