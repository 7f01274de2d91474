#include "scripted_host.h"

#include <algorithm>

namespace vigil::demo {

namespace {

constexpr int64_t kAtFdCwd = -100;
// PPM clone flags (flag-tables.tsv, clone_flags) of a fork() by glibc, and the child-side mark
// of a child started in a pid namespace other than its parent's.
constexpr uint32_t kForkFlags = 8388608u | 16777216u;  // CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID
constexpr uint32_t kCloneChildInPidns = 536870912u;
constexpr uint64_t kFdLimit = 1024;
constexpr int64_t kEconnrefused = 111;
constexpr uint32_t kSnapLen = 80;  // bytes of I/O data the driver copies by default

std::string basename_of(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// A stable made-up inode number for a path, so exec and open events look real and stay the
// same from one run to the next (FNV-1a).
uint64_t inode_of(std::string_view path) {
  uint64_t h = 1469598103934665603ull;
  for (char c : path) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return 100000 + h % 4000000;
}

// The kernel's comm is the first 15 bytes of the executable's file name.
std::string comm_of(std::string_view exe) { return basename_of(exe).substr(0, 15); }

std::vector<std::string> args_of(const std::vector<std::string>& argv) {
  return argv.size() > 1 ? std::vector<std::string>(argv.begin() + 1, argv.end()) : std::vector<std::string>{};
}

std::vector<std::string> cgroups_at(const std::string& path) {
  return {"cpuset=" + path, "cpu=" + path, "memory=" + path, "pids=" + path};
}

}  // namespace

std::vector<std::string> Container::cgroups() const { return cgroups_at("/system.slice/docker-" + id + ".scope"); }

// ---- Process ------------------------------------------------------------------------------

void Process::apply(const Launch& launch, State& s) {
  s.exepath = launch.exe;
  s.argv = launch.argv.empty() ? std::vector<std::string>{basename_of(launch.exe)} : launch.argv;
  s.comm = launch.comm ? *launch.comm : comm_of(launch.filename ? *launch.filename : launch.exe);
  if (launch.cwd) s.cwd = *launch.cwd;
  if (launch.uid) s.uid = *launch.uid;
  if (launch.gid) s.gid = *launch.gid;
  if (launch.loginuid) s.loginuid = *launch.loginuid;
  if (launch.tty) s.tty = *launch.tty;
  if (launch.capabilities) s.capabilities = *launch.capabilities;
  if (launch.env) s.env = *launch.env;
  if (launch.cgroup) s.cgroups = cgroups_at(*launch.cgroup);
  if (launch.container) s.cgroups = launch.container->cgroups();
  if (launch.vpid) s.vpid = *launch.vpid;
}

SyscallRecord Process::syscall(std::string_view name) const { return SyscallRecord(name, host_.now(), state_.tid); }

void Process::fill_snapshot(const State& s, SyscallRecord& r) {
  r.set_text("exe", s.argv.front())
      .set_bytes("args", nul_list(args_of(s.argv)))
      .set("tid", s.tid)
      .set("pid", s.pid)
      .set("ptid", s.ptid)
      .set_text("cwd", s.cwd)
      .set("fdlimit", static_cast<int64_t>(kFdLimit))
      .set("pgft_maj", 0)
      .set("pgft_min", 120)
      .set("vm_size", s.vm_size_kb)
      .set("vm_rss", s.vm_rss_kb)
      .set("vm_swap", 0)
      .set_text("comm", s.comm)
      .set_bytes("cgroups", nul_list(s.cgroups));
}

SyscallRecord Process::clone_exit(int64_t res, const State& side, uint32_t flags) const {
  // The event belongs to the thread it returns in, the caller or the new child, and carries
  // that thread's snapshot.
  SyscallRecord r("clone", host_.now(), side.tid);
  fill_snapshot(side, r);
  r.set("res", res).set("flags", flags).set("uid", side.uid).set("gid", side.gid);
  r.set("vtid", side.vpid).set("vpid", side.vpid).set("pidns_init_start_ts", 0);
  return r;
}

Process& Process::fork(int64_t child_pid) {
  State child = state_;
  child.tid = child.pid = child_pid;
  child.ptid = state_.tid;
  child.vpid = child_pid;
  host_.emit(clone_exit(child_pid, state_, kForkFlags));
  host_.emit(clone_exit(0, child, kForkFlags));
  return host_.adopt(std::move(child));
}

Process& Process::spawn(int64_t child_pid, const Launch& launch) {
  State child = state_;
  child.tid = child.pid = child_pid;
  child.ptid = state_.tid;
  child.vpid = child_pid;
  uint32_t child_flags = kForkFlags;
  // Entering a container happens between fork and exec (the runtime's init joins its cgroups
  // and namespaces), so the child already reports them.
  if (launch.container) child.cgroups = launch.container->cgroups();
  if (launch.vpid) child.vpid = *launch.vpid;
  if (child.vpid != child.tid) child_flags |= kCloneChildInPidns;
  host_.emit(clone_exit(child_pid, state_, kForkFlags));
  host_.emit(clone_exit(0, child, child_flags));
  Process& p = host_.adopt(std::move(child));
  p.exec(launch);
  return p;
}

void Process::exec(const Launch& launch) {
  apply(launch, state_);
  state_.vm_size_kb = 8000 + static_cast<uint32_t>(inode_of(state_.exepath) % 90000);
  state_.vm_rss_kb = state_.vm_size_kb / 4;
  SyscallRecord r = syscall("execve");
  fill_snapshot(state_, r);
  r.set("res", 0)
      .set_bytes("env", nul_list(state_.env))
      .set("tty", state_.tty)
      .set("vpgid", state_.pgid)
      .set("loginuid", state_.loginuid)
      .set("flags", 0)
      .set("cap_inheritable", 0)
      .set("cap_permitted", static_cast<int64_t>(state_.capabilities))
      .set("cap_effective", static_cast<int64_t>(state_.capabilities))
      .set("exe_ino", static_cast<int64_t>(inode_of(state_.exepath)))
      .set("exe_ino_ctime", 1'700'000'000'000'000'000)
      .set("exe_ino_mtime", 1'700'000'000'000'000'000)
      .set("uid", state_.uid)
      .set_text("trusted_exepath", state_.exepath)
      .set("pgid", state_.pgid)
      .set("gid", state_.gid)
      .set_text("filename", launch.filename ? *launch.filename : launch.exe);
  host_.emit(r);
}

void Process::exit(int64_t status) {
  SyscallRecord r = syscall("procexit");
  r.set("status", status << 8).set("ret", status).set("sig", 0).set("core", 0).set("reaper_tid", 1);
  host_.emit(r);
}

int64_t Process::open(std::string_view path, uint32_t flags, uint32_t mode) {
  const int64_t fd = lowest_free_fd();
  SyscallRecord r = syscall("openat");
  r.set("fd", fd).set("dirfd", kAtFdCwd).set_text("name", path).set("flags", flags).set("mode", mode);
  r.set("dev", 0x803).set("ino", static_cast<int64_t>(inode_of(path)));
  host_.emit(r);
  add_fd(fd);
  return fd;
}

void Process::open_fails(std::string_view path, uint32_t flags, int64_t errno_value) {
  SyscallRecord r = syscall("openat");
  r.set("fd", -errno_value).set("dirfd", kAtFdCwd).set_text("name", path).set("flags", flags).set("mode", 0);
  host_.emit(r);
}

void Process::read(int64_t fd, std::string_view data) {
  require_fd(fd, "read");
  SyscallRecord r = syscall("read");
  r.set("res", static_cast<int64_t>(data.size()))
      .set_bytes("data", data.substr(0, kSnapLen))
      .set("fd", fd)
      .set("size", 4096);
  host_.emit(r);
}

void Process::write(int64_t fd, std::string_view data) {
  require_fd(fd, "write");
  SyscallRecord r = syscall("write");
  r.set("res", static_cast<int64_t>(data.size()))
      .set_bytes("data", data.substr(0, kSnapLen))
      .set("fd", fd)
      .set("size", static_cast<int64_t>(data.size()));
  host_.emit(r);
}

void Process::close(int64_t fd) {
  require_fd(fd, "close");
  host_.emit(syscall("close").set("res", 0).set("fd", fd));
  remove_fd(fd);
}

void Process::symlink(std::string_view target, std::string_view linkpath) {
  host_.emit(syscall("symlinkat").set("res", 0).set_text("target", target).set("linkdirfd", kAtFdCwd)
                 .set_text("linkpath", linkpath));
}

int64_t Process::tcp_socket() {
  const int64_t fd = lowest_free_fd();
  host_.emit(syscall("socket").set("fd", fd).set("domain", capture::kAfInet).set("type", 1).set("proto", 0)
                 .set("flags", 0));
  add_fd(fd);
  return fd;
}

void Process::connect(int64_t fd, Endpoint local, Endpoint remote) {
  require_fd(fd, "connect");
  host_.emit(syscall("connect").set("res", 0).set_bytes("tuple", socket_tuple(local, remote)).set("fd", fd)
                 .set_bytes("addr", socket_address(remote)));
}

void Process::connect_refused(int64_t fd, Endpoint remote) {
  require_fd(fd, "connect");
  host_.emit(syscall("connect").set("res", -kEconnrefused).set("fd", fd).set_bytes("addr", socket_address(remote)));
}

int64_t Process::accept(int64_t listen_fd, Endpoint client, Endpoint server) {
  // accept4's exit names only the new fd; the listener shows as the tuple's server side.
  require_fd(listen_fd, "accept");
  const int64_t fd = lowest_free_fd();
  host_.emit(syscall("accept4").set("fd", fd).set_bytes("tuple", socket_tuple(client, server)).set("queuepct", 0)
                 .set("queuelen", 0).set("queuemax", 511).set("flags", 0));
  add_fd(fd);
  return fd;
}

void Process::dup2(int64_t oldfd, int64_t newfd) {
  require_fd(oldfd, "dup2");
  host_.emit(syscall("dup2").set("res", newfd).set("oldfd", oldfd).set("newfd", newfd));
  add_fd(newfd);
}

capture::ThreadInfo Process::thread_info() const {
  capture::ThreadInfo t;
  t.tid = state_.tid;
  t.pid = state_.pid;
  t.ptid = state_.ptid;
  t.sid = state_.sid;
  t.vpgid = state_.pgid;
  t.pgid = state_.pgid;
  t.comm = state_.comm;
  t.exe = state_.argv.front();
  t.exepath = state_.exepath;
  t.args = args_of(state_.argv);
  t.cwd = state_.cwd;
  t.fdlimit = kFdLimit;
  t.uid = state_.uid;
  t.gid = state_.gid;
  t.vmsize_kb = state_.vm_size_kb;
  t.vmrss_kb = state_.vm_rss_kb;
  t.env = state_.env;
  t.vtid = state_.vpid;
  t.vpid = state_.vpid;
  t.cgroups = state_.cgroups;
  t.root = "/";
  t.tty = state_.tty;
  t.loginuid = state_.loginuid;
  t.cap_permitted = state_.capabilities;
  t.cap_effective = state_.capabilities;
  t.exe_ino = inode_of(state_.exepath);
  return t;
}

void Process::require_fd(int64_t fd, std::string_view call) const {
  if (!std::binary_search(state_.fds.begin(), state_.fds.end(), fd))
    fail(state_.comm + " (" + std::to_string(state_.tid) + ") calls " + std::string(call) + " on fd " +
         std::to_string(fd) + ", which it does not have open");
}

int64_t Process::lowest_free_fd() const {
  int64_t fd = 0;
  for (int64_t used : state_.fds) {
    if (used != fd) break;
    ++fd;
  }
  return fd;
}

void Process::add_fd(int64_t fd) {
  auto at = std::lower_bound(state_.fds.begin(), state_.fds.end(), fd);
  if (at == state_.fds.end() || *at != fd) state_.fds.insert(at, fd);
}

void Process::remove_fd(int64_t fd) { std::erase(state_.fds, fd); }

// ---- DemoHost -----------------------------------------------------------------------------

DemoHost::DemoHost(capture::MachineInfo machine, uint64_t start_ts_ns) : now_(start_ts_ns) {
  metadata_.machine = std::move(machine);
}

void DemoHost::add_interface(std::string name, std::string_view ip, std::string_view netmask) {
  capture::InterfaceInfo i;
  i.kind = capture::InterfaceInfo::Kind::Ipv4;
  const auto a = ipv4(ip), m = ipv4(netmask);
  std::copy(a.begin(), a.end(), i.addr.begin());
  std::copy(m.begin(), m.end(), i.netmask.begin());
  for (size_t k = 0; k < 4; ++k) i.bcast[k] = static_cast<uint8_t>(a[k] | ~m[k]);
  i.link_speed = 1000;
  i.name = std::move(name);
  metadata_.interfaces.push_back(std::move(i));
}

void DemoHost::add_user(uint32_t uid, uint32_t gid, std::string name, std::string home, std::string shell) {
  metadata_.users.push_back({uid, gid, std::move(name), std::move(home), std::move(shell)});
}

void DemoHost::add_group(uint32_t gid, std::string name) { metadata_.groups.push_back({gid, std::move(name)}); }

Process& DemoHost::running(int64_t pid, int64_t ppid, const Launch& launch, std::vector<capture::FdInfo> fds) {
  Process::State s;
  s.tid = s.pid = s.vpid = s.sid = s.pgid = pid;
  s.ptid = ppid;
  // Processes at capture start are system services unless the launch says otherwise; their
  // cgroup is their systemd unit, named after the program.
  s.cgroups = cgroups_at("/system.slice/" + comm_of(launch.exe) + ".service");
  Process::apply(launch, s);
  s.vm_size_kb = 8000 + static_cast<uint32_t>(inode_of(s.exepath) % 90000);
  s.vm_rss_kb = s.vm_size_kb / 4;
  for (const capture::FdInfo& fd : fds) s.fds.push_back(fd.fd);
  std::sort(s.fds.begin(), s.fds.end());
  Process& p = adopt(std::move(s));
  metadata_.threads.push_back(p.thread_info());
  if (!fds.empty()) metadata_.fd_lists.push_back({pid, std::move(fds)});
  return p;
}

Process& DemoHost::adopt(Process::State state) {
  processes_.push_back(Process(*this, std::move(state)));
  return processes_.back();
}

uint16_t DemoHost::cpu_of(int64_t tid) const {
  const uint32_t cpus = metadata_.machine ? std::max<uint32_t>(1, metadata_.machine->num_cpus) : 1;
  return static_cast<uint16_t>(tid % cpus);
}

void DemoHost::emit(const SyscallRecord& record) {
  events_.emplace_back(record);
  now_ += kEventSpacingNs;
}

// ---- fds at capture start -----------------------------------------------------------------

capture::FdInfo file_fd(int64_t fd, std::string name, uint32_t flags, uint64_t ino) {
  capture::FdInfo f;
  f.fd = fd;
  f.ino = ino;
  f.type = capture::FdType::FileV2;
  f.name = std::move(name);
  f.open_flags = flags;
  f.dev = 0x803;
  return f;
}

capture::FdInfo listening_socket(int64_t fd, Endpoint at) {
  capture::FdInfo f;
  f.fd = fd;
  f.type = capture::FdType::Ipv4ServSock;
  const auto ip = ipv4(at.ip);
  std::copy(ip.begin(), ip.end(), f.sip.begin());
  f.sport = at.port;
  f.l4proto = 2;  // TCP (scap-format.md §9)
  f.ino = 20000 + at.port;
  return f;
}

capture::FdInfo connected_socket(int64_t fd, Endpoint client, Endpoint server) {
  capture::FdInfo f;
  f.fd = fd;
  f.type = capture::FdType::Ipv4Sock;
  const auto c = ipv4(client.ip), s = ipv4(server.ip);
  std::copy(c.begin(), c.end(), f.sip.begin());
  std::copy(s.begin(), s.end(), f.dip.begin());
  f.sport = client.port;
  f.dport = server.port;
  f.l4proto = 2;
  f.ino = 30000 + client.port;
  return f;
}

}  // namespace vigil::demo
