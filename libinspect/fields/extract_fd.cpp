// fd.*, fdlist.* and fs.path.* fields.
#include "fields/extract_util.h"
#include "state/inspector_impl.h"
#include "state/real_path.h"

namespace vigil::inspect::detail {

using capture::FdType;
using capture::ParamView;

namespace {

constexpr uint32_t kFdUpperLayer = 32768, kFdLowerLayer = 65536;

bool is_file(const FdState& fd) {
  return fd.type == FdType::File || fd.type == FdType::FileV2 || fd.type == FdType::Directory;
}

std::string_view l4proto_name(L4Proto p) {
  switch (p) {
    case L4Proto::Tcp: return "tcp";
    case L4Proto::Udp: return "udp";
    case L4Proto::Icmp: return "icmp";
    case L4Proto::Raw: return "raw";
    case L4Proto::Unknown: break;
  }
  return "<NA>";
}

bool is_ip(const FdState& fd) { return fd.is_ipv4() || fd.is_ipv6(); }
bool is_server_socket(const FdState& fd) {
  return fd.type == FdType::Ipv4ServSock || fd.type == FdType::Ipv6ServSock;
}

// Endpoints of a connected socket (client = sip side) or a listening one (its local address).
// A socket whose role nobody established yet has no client/server ends to report.
bool role_unknown(const FdState& fd) { return fd.role == FdState::Role::None && !is_server_socket(fd); }

// Whether `ip` is an address of this machine: an IPv4 interface address, or an IPv6 address in
// an interface's /64 (libsinsp's test).
bool is_local_address(const EventContext& ctx, const std::array<uint8_t, 16>& ip, bool v6) {
  for (const auto& i : ctx.inspector().interfaces()) {
    const bool iv6 = i.kind == capture::InterfaceInfo::Kind::Ipv6 || i.kind == capture::InterfaceInfo::Kind::Ipv6NoLinkSpeed;
    if (iv6 != v6) continue;
    if (std::equal(ip.begin(), ip.begin() + (v6 ? 8 : 4), i.addr.begin())) return true;
  }
  return false;
}

enum class End : uint8_t { Client, Server, Local, Remote };

// The address and port of one end of an IP socket, or false when it has none.
bool endpoint(const EventContext& ctx, const FdState& fd, End end, std::array<uint8_t, 16>& ip, uint16_t& port) {
  if (!is_ip(fd)) return false;
  if (is_server_socket(fd)) {
    // A listening socket only knows its own (server) end.
    if (end == End::Server) {
      ip = fd.dip;
      port = fd.dport;
      return true;
    }
    return false;
  }
  if (role_unknown(fd)) return false;
  bool client = end == End::Client;
  if (end == End::Local || end == End::Remote) {
    const bool client_is_local = is_local_address(ctx, fd.sip, fd.is_ipv6());
    client = (end == End::Local) == client_is_local;
  }
  ip = client ? fd.sip : fd.dip;
  port = client ? fd.sport : fd.dport;
  return true;
}

bool ip_value(const EventContext& ctx, const FdState& fd, End end, FieldValues& out, FieldType type = FieldType::IpAddr) {
  std::array<uint8_t, 16> ip;
  uint16_t port;
  return endpoint(ctx, fd, end, ip, port) && put_ip(out, ip, fd.is_ipv6(), type);
}

bool port_value(const EventContext& ctx, const FdState& fd, End end, FieldValues& out) {
  std::array<uint8_t, 16> ip;
  uint16_t port;
  if (!endpoint(ctx, fd, end, ip, port)) {
    // libsinsp reads the client port of a listening socket as 0.
    if (end == End::Client && is_server_socket(fd)) return put_u64(out, 0, FieldType::Port);
    return false;
  }
  return put_u64(out, port, FieldType::Port);
}

std::string_view port_proto_name(uint16_t port) {
  switch (port) {
    case 20: return "ftp-data"; case 21: return "ftp"; case 22: return "ssh"; case 23: return "telnet";
    case 25: return "smtp"; case 53: return "domain"; case 80: return "http"; case 110: return "pop3";
    case 123: return "ntp"; case 143: return "imap2"; case 443: return "https"; case 3306: return "mysql";
    case 5432: return "postgresql"; case 6379: return "redis"; case 8080: return "http-alt";
    default: return {};
  }
}

// fs.path.*: the path arguments of filesystem syscalls, for exactly the exit events libsinsp's
// fs.path filtercheck knows, and only when the call succeeded (res 0; for the open family an fd
// other than -1, as libsinsp compares it: a failed open's -errno passes).
enum class FsSuccess : uint8_t { ResZero, FdNotMinusOne };
struct FsPathEvent {
  uint16_t type;
  FsSuccess success;
  const char* name;    // fs.path.name's parameter ("" for none; "fd": the fd's name)
  const char* source;  // fs.path.source's
  const char* target;  // fs.path.target's
};
// libsinsp reads the old events' paths from their enter events: ctx.param() falls back to them.
constexpr FsPathEvent kFsPathEvents[] = {
    {99, FsSuccess::ResZero, "path", "", ""},          // mkdir (old)
    {277, FsSuccess::ResZero, "path", "", ""},         // mkdir
    {305, FsSuccess::ResZero, "path", "", ""},         // mkdirat
    {101, FsSuccess::ResZero, "path", "", ""},         // rmdir (old)
    {279, FsSuccess::ResZero, "path", "", ""},         // rmdir
    {109, FsSuccess::ResZero, "path", "", ""},         // unlink (old)
    {111, FsSuccess::ResZero, "name", "", ""},         // unlinkat (old)
    {301, FsSuccess::ResZero, "path", "", ""},         // unlink
    {303, FsSuccess::ResZero, "name", "", ""},         // unlinkat
    {3, FsSuccess::FdNotMinusOne, "name", "", ""},     // open
    {103, FsSuccess::FdNotMinusOne, "name", "", ""},   // openat (old)
    {307, FsSuccess::FdNotMinusOne, "name", "", ""},   // openat
    {327, FsSuccess::FdNotMinusOne, "name", "", ""},   // openat2
    {313, FsSuccess::ResZero, "filename", "", ""},     // fchmodat
    {315, FsSuccess::ResZero, "filename", "", ""},     // chmod
    {317, FsSuccess::ResZero, "fd", "", ""},           // fchmod
    {379, FsSuccess::ResZero, "path", "", ""},         // chown
    {381, FsSuccess::ResZero, "path", "", ""},         // lchown
    {383, FsSuccess::ResZero, "fd", "", ""},           // fchown
    {385, FsSuccess::ResZero, "pathname", "", ""},     // fchownat
    {191, FsSuccess::ResZero, "special", "", ""},      // quotactl
    {259, FsSuccess::ResZero, "name", "", ""},         // umount (old)
    {387, FsSuccess::ResZero, "name", "", ""},         // umount
    {391, FsSuccess::ResZero, "name", "", ""},         // umount2
    {175, FsSuccess::ResZero, "", "oldpath", "newpath"},  // rename
    {177, FsSuccess::ResZero, "", "oldpath", "newpath"},  // renameat
    {319, FsSuccess::ResZero, "", "oldpath", "newpath"},  // renameat2
    // libsinsp's link source is the new name and its target the existing file.
    {105, FsSuccess::ResZero, "", "newpath", "oldpath"},  // link (old)
    {107, FsSuccess::ResZero, "", "newpath", "oldpath"},  // linkat (old)
    {309, FsSuccess::ResZero, "", "newpath", "oldpath"},  // link
    {311, FsSuccess::ResZero, "", "newpath", "oldpath"},  // linkat
    {179, FsSuccess::ResZero, "", "linkpath", "target"},  // symlink
    {181, FsSuccess::ResZero, "", "linkpath", "target"},  // symlinkat
    {257, FsSuccess::ResZero, "", "dev", "dir"},          // mount
};

const FsPathEvent* fs_path_event(uint16_t type) {
  for (const FsPathEvent& e : kFsPathEvents)
    if (e.type == type) return &e;
  return nullptr;
}

// The path as given to the call; relative ones are joined to the thread's working directory and
// every one is normalized (libsinsp ignores the dirfd of the *at calls here).
bool fs_path(const EventContext& ctx, FieldId id, FieldValues& out) {
  const capture::EventView& ev = ctx.event();
  if (ev.direction() != capture::Direction::Exit) return false;
  const FsPathEvent* e = fs_path_event(ev.type());
  if (!e || !ctx.thread()) return false;
  if (e->success == FsSuccess::ResZero ? ctx.param("res").as_i64() != 0 : ctx.param("fd").as_i64() == -1) return false;
  const bool raw = id == FieldId::kFsPathNameraw || id == FieldId::kFsPathSourceraw || id == FieldId::kFsPathTargetraw;
  const char* param = e->target;
  if (id == FieldId::kFsPathName || id == FieldId::kFsPathNameraw) param = e->name;
  if (id == FieldId::kFsPathSource || id == FieldId::kFsPathSourceraw) param = e->source;
  const std::string_view pname = param;
  std::string_view path;
  if (pname.empty()) return false;
  if (pname == "fd") {
    if (!ctx.fd()) return false;
    path = ctx.fd()->name;
  } else {
    const ParamView p = ctx.param(pname);
    if (p.empty()) return false;
    path = p.as_string();
  }
  if (raw) return put_str(out, path);
  std::string& s = ctx.scratch();
  resolve_path(ctx.thread()->files->cwd, path, s);
  return put_str(out, s);
}

bool fdlist(const EventContext& ctx, FieldId id, FieldValues& out) {
  ParamView list = ctx.param("fds");
  if (list.empty() || !ctx.thread()) return false;
  const FdTable& fds = ctx.thread()->files->fds;
  std::string& s = ctx.scratch();
  s.clear();
  const uint16_t n = list.fdlist_count();
  for (uint16_t i = 0; i < n; ++i) {
    int64_t num;
    int16_t flags;
    if (!list.fdlist_entry(i, num, flags)) break;
    const FdState* fd = fds.find(num);
    std::string item;
    switch (id) {
      case FieldId::kFdlistNums: item = std::to_string(num); break;
      case FieldId::kFdlistNames: if (fd) item = fd->name; break;
      case FieldId::kFdlistCips:
      case FieldId::kFdlistSips:
      case FieldId::kFdlistCports:
      case FieldId::kFdlistSports: {
        if (!fd || !is_ip(*fd)) break;
        const bool client = id == FieldId::kFdlistCips || id == FieldId::kFdlistCports;
        const bool port = id == FieldId::kFdlistCports || id == FieldId::kFdlistSports;
        if (port) {
          item = std::to_string(client ? fd->sport : fd->dport);
        } else {
          std::string tmp;
          format_endpoint(client ? fd->sip : fd->dip, fd->is_ipv6(), 0, tmp);
          item = tmp.substr(0, tmp.rfind(':'));
        }
        break;
      }
      default: break;
    }
    if (item.empty()) continue;
    if (!s.empty()) s += ',';
    s += item;
  }
  if (s.empty()) return false;
  return put_str(out, s);
}

// What libsinsp still reports when the fd is not (or no longer) in the table: the name a
// creating call asked for, and the type its kind of call would create.
bool extract_without_fd_state(FieldId id, const EventContext& ctx, FieldValues& out) {
  const capture::EventView& ev = ctx.event();
  const capture::EventInfo* info = ev.info();
  if (!info) return false;
  const std::string_view n = info->name;
  const bool exit = ev.direction() == capture::Direction::Exit;
  if (id == FieldId::kFdTypechar) {
    std::string_view c = "o";
    if (n == "open" || n == "openat" || n == "openat2" || n == "creat") c = "f";
    else if (n == "socket" || n == "accept" || n == "accept4") c = "4";
    else if (n == "pipe") c = "p";
    else if (n == "eventfd") c = "e";
    else if (n == "signalfd") c = "s";
    else if (n == "timerfd_create") c = "t";
    else if (n == "inotify_init") c = "i";
    return put_str(out, c);
  }
  if (id == FieldId::kFdRealpath) id = FieldId::kFdName;  // nothing to resolve: the name asked for
  if (id != FieldId::kFdName && id != FieldId::kFdDirectory && id != FieldId::kFdFilename) return false;
  if (!exit) return false;
  std::string_view name;
  if (n == "open" || n == "creat" || n == "accept" || n == "accept4" || n == "connect") {
    bool found;
    name = render_event_arg(ctx, {}, 1, found);
    if (!found) return false;
  } else if (n == "openat" || n == "openat2") {
    ParamView path = ctx.param("name");
    ParamView dirfd = ctx.param("dirfd");
    if (path.empty() || !ctx.thread()) return false;
    std::string base = ctx.thread()->files->cwd;
    if (!dirfd.empty() && dirfd.as_i64() != -100 && !path.as_string().starts_with('/')) {
      const FdState* d = ctx.thread()->files->fds.find(dirfd.as_i64());
      base = d ? d->name : "<UNKNOWN>";
    }
    std::string& s = ctx.scratch();
    resolve_path(base, path.as_string(), s);
    name = s;
  } else {
    name = {};  // an exit event on an fd we never saw: an empty name, as libsinsp reports
  }
  if (id == FieldId::kFdName) return put_str(out, name);
  if (id == FieldId::kFdFilename) return false;  // libsinsp only names files of enter events here
  const size_t slash = name.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return put_str(out, "/");
  return put_str(out, slash < name.size() - 1 ? name.substr(0, slash) : name);
}

}  // namespace

bool extract_fd(FieldId id, const FieldArg& arg, const EventContext& ctx, FieldValues& out) {
  switch (id) {
    case FieldId::kFsPathName: case FieldId::kFsPathNameraw: case FieldId::kFsPathSource:
    case FieldId::kFsPathSourceraw: case FieldId::kFsPathTarget: case FieldId::kFsPathTargetraw:
      return fs_path(ctx, id, out);
    case FieldId::kFdlistNums: case FieldId::kFdlistNames: case FieldId::kFdlistCips:
    case FieldId::kFdlistSips: case FieldId::kFdlistCports: case FieldId::kFdlistSports:
      return fdlist(ctx, id, out);
    case FieldId::kFdTypes: {
      if (!ctx.thread()) return false;
      const FdTable& fds = ctx.thread()->files->fds;
      if (arg.present) {
        const FdState* fd = fds.find(arg.number);
        return fd && put_str(out, fd->type_name());
      }
      // Distinct types of every open fd.
      fds.for_each([&](const FdState& fd) {
        const std::string_view t = fd.type_name();
        for (const auto& v : out.values())
          if (v.str == t) return;
        put_str(out, t);
      });
      return !out.empty();
    }
    default:
      break;
  }
  if (!ctx.has_fd()) return false;
  if (id == FieldId::kFdNum) return put_i64(out, ctx.fd_num());
  const FdState* fdp = ctx.fd();
  if (!fdp) return extract_without_fd_state(id, ctx, out);
  if (id == FieldId::kFdName || id == FieldId::kFdRealpath) {
    // A failed connect names the address it tried, not the socket's old name.
    const capture::EventInfo* info = ctx.event().info();
    int64_t res;
    if (info && info->name == "connect" && ctx.event().direction() == capture::Direction::Exit &&
        syscall_result(ctx, res) && res < 0)
      return extract_without_fd_state(id, ctx, out);
  }
  const FdState& fd = *fdp;
  switch (id) {
    case FieldId::kFdType: return put_str(out, fd.type_name());
    case FieldId::kFdTypechar: {
      static constexpr std::string_view kChars = "fd46pueXsltinbrmPo";
      const char c = fd.type_char();
      return put_str(out, kChars.substr(kChars.find(c), 1));
    }
    case FieldId::kFdName: return put_str(out, fd.name);
    case FieldId::kFdRealpath: return put_str(out, detail::fd_real_path(ctx, fd));
    case FieldId::kFdNameraw: return put_str(out, fd.nameraw.empty() ? fd.name : fd.nameraw);
    case FieldId::kFdDirectory:
    case FieldId::kFdFilename: {
      if (!is_file(fd)) return false;
      std::string_view name = fd.name;
      if (fd.type == FdType::Directory) return id == FieldId::kFdDirectory && put_str(out, name);
      const size_t slash = name.rfind('/');
      if (slash == std::string_view::npos) return id == FieldId::kFdFilename && put_str(out, name);
      if (id == FieldId::kFdFilename) return put_str(out, name.substr(slash + 1));
      return put_str(out, slash == 0 ? name.substr(0, 1) : name.substr(0, slash));
    }
    case FieldId::kFdIp:
    case FieldId::kFdNet: {
      const FieldType t = id == FieldId::kFdIp ? FieldType::IpAddr : FieldType::IpNet;
      const bool c = ip_value(ctx, fd, End::Client, out, t);
      const bool sv = ip_value(ctx, fd, End::Server, out, t);
      return c || sv;
    }
    case FieldId::kFdCip: return ip_value(ctx, fd, End::Client, out);
    case FieldId::kFdSip: return ip_value(ctx, fd, End::Server, out);
    case FieldId::kFdLip: return !is_server_socket(fd) && ip_value(ctx, fd, End::Local, out);
    case FieldId::kFdRip: return !is_server_socket(fd) && ip_value(ctx, fd, End::Remote, out);
    case FieldId::kFdCnet: return ip_value(ctx, fd, End::Client, out, FieldType::IpNet);
    case FieldId::kFdSnet: return ip_value(ctx, fd, End::Server, out, FieldType::IpNet);
    case FieldId::kFdLnet: return !is_server_socket(fd) && ip_value(ctx, fd, End::Local, out, FieldType::IpNet);
    case FieldId::kFdRnet: return !is_server_socket(fd) && ip_value(ctx, fd, End::Remote, out, FieldType::IpNet);
    case FieldId::kFdPort: {
      const bool c = !is_server_socket(fd) && port_value(ctx, fd, End::Client, out);
      const bool sv = port_value(ctx, fd, End::Server, out);
      return c || sv;
    }
    case FieldId::kFdCport: return port_value(ctx, fd, End::Client, out);
    case FieldId::kFdSport: return port_value(ctx, fd, End::Server, out);
    case FieldId::kFdLport: return !is_server_socket(fd) && port_value(ctx, fd, End::Local, out);
    case FieldId::kFdRport: return !is_server_socket(fd) && port_value(ctx, fd, End::Remote, out);
    case FieldId::kFdProto:
    case FieldId::kFdCproto:
    case FieldId::kFdSproto:
    case FieldId::kFdLproto:
    case FieldId::kFdRproto: {
      const End end = id == FieldId::kFdCproto ? End::Client
                      : id == FieldId::kFdLproto ? End::Local
                      : id == FieldId::kFdRproto ? End::Remote
                                                 : End::Server;
      std::array<uint8_t, 16> ip;
      uint16_t port;
      if (!endpoint(ctx, fd, end, ip, port)) return false;
      if (id == FieldId::kFdProto) return put_u64(out, port, FieldType::Port);
      const std::string_view name = port_proto_name(port);
      return !name.empty() && put_str(out, name);
    }
    case FieldId::kFdL4proto:
      // Like libsinsp, a socket's protocol is only known once its role is.
      if (!is_ip(fd) || (fd.role == FdState::Role::None && !is_server_socket(fd) && fd.l4proto != L4Proto::Raw))
        return put_str(out, "<NA>");
      return put_str(out, l4proto_name(fd.l4proto));
    case FieldId::kFdSockfamily:
      if (is_ip(fd)) return put_str(out, "ip");
      if (fd.type == FdType::UnixSock) return put_str(out, "unix");
      return false;
    case FieldId::kFdIsServer:
      // libsinsp: a listening socket, or one whose server end is an address of this machine.
      if (is_server_socket(fd)) return put_bool(out, true);
      if (!is_ip(fd)) return put_bool(out, false);
      return put_bool(out, is_local_address(ctx, fd.dip, fd.is_ipv6()));
    case FieldId::kFdUid: {
      if (!ctx.thread()) return false;
      std::string& s = ctx.scratch();
      s = std::to_string(ctx.thread()->tid) + std::to_string(fd.fd);
      return put_str(out, s);
    }
    case FieldId::kFdConnected:
      return put_bool(out, is_ip(fd) && !is_server_socket(fd) && !role_unknown(fd));
    case FieldId::kFdNameChanged:
      return put_bool(out, fd.name_changed_at != 0 && fd.name_changed_at == ctx.inspector().stats().events);
    case FieldId::kFdContainername:
    case FieldId::kFdContainerdirectory: {
      // "<container id>:<fd name or directory>", for rules that must tell hosts' paths apart.
      if (!ctx.thread()) return false;
      std::string& s = ctx.scratch();
      s = ctx.thread()->container.id;
      s += ':';
      if (id == FieldId::kFdContainername) {
        s += fd.name;
      } else {
        if (!is_file(fd)) return false;
        const size_t slash = fd.name.rfind('/');
        s += fd.type == FdType::Directory || slash == std::string::npos ? fd.name
             : slash == 0                                                ? std::string("/")
                                                                         : fd.name.substr(0, slash);
      }
      return put_str(out, s);
    }
    case FieldId::kFdDev: return put_i64(out, fd.dev, FieldType::Int32);
    // fd.dev is new_encode_dev()'s userspace encoding: major in bits 8-19, minor split around it.
    case FieldId::kFdDevMajor: return put_i64(out, (fd.dev & 0xfff00) >> 8, FieldType::Int32);
    case FieldId::kFdDevMinor: return put_i64(out, (fd.dev & 0xff) | ((fd.dev >> 12) & 0xfff00), FieldType::Int32);
    case FieldId::kFdIno: return put_i64(out, static_cast<int64_t>(fd.ino));
    case FieldId::kFdIsUpperLayer: return put_bool(out, (fd.open_flags & kFdUpperLayer) != 0);
    case FieldId::kFdIsLowerLayer: return put_bool(out, (fd.open_flags & kFdLowerLayer) != 0);
    case FieldId::kFdCipName:
    case FieldId::kFdSipName:
    case FieldId::kFdLipName:
    case FieldId::kFdRipName: {
      const End end = id == FieldId::kFdCipName ? End::Client
                      : id == FieldId::kFdSipName ? End::Server
                      : id == FieldId::kFdLipName ? End::Local
                                                  : End::Remote;
      if ((end == End::Local || end == End::Remote) && is_server_socket(fd)) return false;
      std::array<uint8_t, 16> ip;
      uint16_t port;
      if (!endpoint(ctx, fd, end, ip, port)) return false;
      // Every known name of the address (a condition matches if one does); none known: "".
      if (ctx.inspector().host_names(ip, fd.is_ipv6(), out) == 0) put_str(out, "");
      return true;
    }
    default:
      return false;
  }
}

}  // namespace vigil::inspect::detail
