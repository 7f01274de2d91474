// The /proc snapshot against a hand-built proc tree: exact parsing of each file, and malformed,
// missing or vanishing pieces skipped and counted instead of failing the snapshot.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstring>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_paths.h"
#include "vigil/capture/proc_snapshot.h"

using namespace vigil::capture;
namespace fs = std::filesystem;

namespace {

const std::string kDockerId = "7951fb549ab99e0722a949b6c121634e1f3a36b5bacbe5392991e3b12251e6b8";

void write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string status(int tgid, int pid, int ppid, const std::string& extra = "") {
  return "Name:\tworker\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t" + std::to_string(tgid) +
         "\nNgid:\t0\nPid:\t" + std::to_string(pid) + "\nPPid:\t" + std::to_string(ppid) +
         "\nTracerPid:\t0\nUid:\t1000\t1001\t1001\t1001\nGid:\t2000\t2001\t2001\t2001\n"
         "FDSize:\t64\nGroups:\t4 24 27\nNStgid:\t" + std::to_string(tgid) + "\t7\nNSpid:\t" +
         std::to_string(pid) + "\t" + std::to_string(pid - tgid + 7) + "\nNSpgid:\t" +
         std::to_string(tgid) + "\t7\nNSsid:\t1\t1\nVmSize:\t  12345 kB\nVmRSS:\t    678 kB\n"
         "VmSwap:\t      9 kB\nCapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\n"
         "CapEff:\t00000000a80425fb\n" + extra;
}

// A process with a name containing ") (" to exercise the parser's rfind of ')'.
std::string stat_line(int pid) {
  return std::to_string(pid) + " (we) ird) S 1 " + std::to_string(pid) +
         " 42 34816 -1 4194560 111 0 222 0 5 6 0 0 20 0 1 0 100 1000 50\n";
}

// A socket inode at path, so that a fake fd link "socket:[N]" (resolved relative to the fd
// directory) stats as a socket the way /proc's magic links do.
void make_socket_file(const fs::path& path) {
  int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(s >= 0);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  REQUIRE(path.string().size() < sizeof(un.sun_path));
  std::strncpy(un.sun_path, path.c_str(), sizeof(un.sun_path) - 1);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&un), sizeof(un)) == 0);
  ::close(s);
}

void write_process(const fs::path& dir, int tgid, int pid, int ppid) {
  write(dir / "cmdline", std::string("/usr/bin/worker\0--port\0" "8080\0", 28));
  write(dir / "comm", "worker\n");
  write(dir / "status", status(tgid, pid, ppid));
  write(dir / "stat", stat_line(pid));
  write(dir / "environ", std::string("HOME=/home/w\0LANG=C\0", 20));
  write(dir / "limits",
        "Limit                     Soft Limit           Hard Limit           Units     \n"
        "Max cpu time              unlimited            unlimited            seconds   \n"
        "Max open files            1024                 524288               files     \n");
  write(dir / "loginuid", "1000");
  write(dir / "cgroup", "4:memory:/docker/" + kDockerId + "\n1:name=systemd:/docker/" +
                            kDockerId + "\n0::/app/web\n");
}

struct FakeTree {
  fs::path root;
  fs::path proc;
  fs::path etc;
  fs::path data;

  FakeTree() {
    root = vigil::test::temp_dir();
    proc = root / "proc";
    etc = root / "etc";
    data = root / "data";
    write(data / "file.txt", "x");
    write(proc / "stat", "cpu  1 2 3\nbtime 1700000000\nprocesses 10\n");
    write(proc / "net" / "tcp",
          "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
          "timeout inode\n"
          "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0    "
          "    0 5555 1 0000000000000000 100 0 0 10 0\n"
          "   1: this is not a socket line\n");
    write(proc / "net" / "udp",
          "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
          "timeout inode ref pointer drops\n"
          "  12: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101    "
          "    0 9999 2 0000000000000000 0\n");
    write(proc / "net" / "tcp6",
          "  sl  local_address                         remote_address                        st "
          "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
          "   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:D431 01 "
          "00000000:00000000 00:00000000 00000000     0        0 8888 1 0000000000000000 20 4 "
          "30 10 -1\n");
    write(proc / "net" / "unix",
          "Num       RefCount Protocol Flags    Type St Inode Path\n"
          "0000000000000000: 00000002 00000000 00010000 0001 01 6666 /run/with space.sock\n");

    // pid 1: init, which also carries the cgroup v2 mount seen through its root.
    write_process(proc / "1", 1, 1, 0);
    write(proc / "1" / "mounts",
          "proc /proc proc rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n");
    write(proc / "1" / "root" / "sys" / "fs" / "cgroup" / "cgroup.controllers",
          "cpu memory pids\n");
    write(proc / "1" / "root" / "sys" / "fs" / "cgroup" / "app" / "cgroup.controllers",
          "memory pids\n");
    write(proc / "1" / "root" / "sys" / "fs" / "cgroup" / "app" / "web" / "cgroup.controllers",
          "pids\n");

    // pid 20: two threads and three fds, one of them dangling (closed mid-scan).
    write_process(proc / "20", 20, 20, 1);
    write_process(proc / "20" / "task" / "20", 20, 20, 1);
    write_process(proc / "20" / "task" / "21", 20, 21, 1);
    fs::create_symlink(data, proc / "20" / "cwd");
    fs::create_symlink(data / "file.txt", proc / "20" / "exe");
    fs::create_directories(proc / "20" / "fd");
    fs::create_symlink(data / "file.txt", proc / "20" / "fd" / "3");
    fs::create_symlink(data, proc / "20" / "fd" / "4");
    fs::create_symlink(data / "gone.txt", proc / "20" / "fd" / "5");
    for (const char* ino : {"5555", "6666", "7777", "8888", "9999"}) {
      std::string link = std::string("socket:[") + ino + "]";
      make_socket_file(proc / "20" / "fd" / link);
    }
    fs::create_symlink("socket:[5555]", proc / "20" / "fd" / "6");
    fs::create_symlink("socket:[6666]", proc / "20" / "fd" / "7");
    fs::create_symlink("socket:[7777]", proc / "20" / "fd" / "8");  // in no table
    fs::create_symlink("socket:[8888]", proc / "20" / "fd" / "9");
    fs::create_symlink("socket:[9999]", proc / "20" / "fd" / "10");
    write(proc / "20" / "fdinfo" / "3", "pos:\t0\nflags:\t02100002\nmnt_id:\t99\nino:\t1\n");
    write(proc / "20" / "mountinfo",
          "98 1 0:5 / /dev rw - devtmpfs udev rw\n99 1 8:17 / / rw - ext4 /dev/sdb1 rw\n");

    // Broken processes: each must be skipped and counted, never fatal.
    write(proc / "30" / "cmdline", std::string("x\0", 2));
    write(proc / "30" / "status", "garbage without the keys\n");
    write(proc / "40" / "cmdline", "");  // kernel thread: no cmdline, no exe
    write(proc / "50" / "cmdline", std::string("y\0", 2));
    write(proc / "50" / "status", status(50, 50, 1));
    write(proc / "50" / "stat", "50 (unterminated");
    write(proc / "60" / "cmdline", std::string("z\0", 2));  // exits before status is read
    fs::create_directories(proc / "self");
    fs::create_directories(proc / "sys");

    write(etc / "passwd",
          "root:x:0:0:root:/root:/bin/bash\n# a comment\nbroken line\n"
          "w:x:1001:2001:Worker,,,:/home/w:/bin/sh\nbad:x:notanumber:0::/:/bin/false\n");
    write(etc / "group", "root:x:0:\nwheel:x:10:root,w\nbroken\n");
  }

  ProcSnapshotOptions options() const {
    ProcSnapshotOptions opt;
    opt.proc_root = proc.string();
    opt.etc_root = etc.string();
    opt.hostname = "fake-host";
    opt.interfaces = false;
    return opt;
  }
};

// A snapshot of the fake /proc tree's threads and their cgroups only (no fds, users, interfaces).
vigil::Result<CaptureMetadata> snapshot_threads_only(const fs::path& proc) {
  ProcSnapshotOptions opt;
  opt.proc_root = proc.string();
  opt.fds = false;
  opt.users = false;
  opt.interfaces = false;
  return snapshot_proc(opt);
}

const ThreadInfo* find_thread(const CaptureMetadata& md, int64_t tid) {
  for (const auto& t : md.threads) {
    if (t.tid == tid) return &t;
  }
  return nullptr;
}

bool mentions(const ProcSnapshotStats& stats, const std::string& needle) {
  return std::any_of(stats.problems.begin(), stats.problems.end(),
                     [&](const std::string& p) { return p.find(needle) != std::string::npos; });
}

}  // namespace

TEST_CASE("a fake proc tree's threads are read field by field") {
  FakeTree tree;
  ProcSnapshotStats stats;
  auto md = snapshot_proc(tree.options(), &stats);
  REQUIRE(md.ok());

  const ThreadInfo* t = find_thread(*md, 20);
  REQUIRE(t != nullptr);
  CHECK(t->pid == 20);
  CHECK(t->ptid == 1);
  CHECK(t->comm == "worker");
  CHECK(t->exe == "/usr/bin/worker");
  CHECK(t->args == std::vector<std::string>{"--port", "8080"});
  CHECK(t->exepath == (tree.data / "file.txt").string());
  CHECK(t->cwd == tree.data.string());
  CHECK(t->env == std::vector<std::string>{"HOME=/home/w", "LANG=C"});
  CHECK(t->uid == 1001);  // effective ids
  CHECK(t->gid == 2001);
  CHECK(t->vmsize_kb == 12345);
  CHECK(t->vmrss_kb == 678);
  CHECK(t->vmswap_kb == 9);
  CHECK(t->pfminor == 111);
  CHECK(t->pfmajor == 222);
  CHECK(t->sid == 42);
  CHECK(t->tty == 34816);
  CHECK(t->pgid == 20);
  CHECK(t->vpgid == 7);
  CHECK(t->vpid == 7);
  CHECK(t->vtid == 7);
  CHECK(t->fdlimit == 1024);
  CHECK(t->loginuid == 1000);
  CHECK(t->cap_inheritable == 0);
  CHECK(t->cap_permitted == 0xa80425fbull);
  CHECK(t->cap_effective == 0xa80425fbull);
  CHECK(t->flags == 0);
  CHECK(t->cgroups == std::vector<std::string>{"unified=/app/web", "memory=/docker/" + kDockerId,
                                               "name=systemd=/docker/" + kDockerId,
                                               "pids=/app/web", "memory=/app", "cpu=/"});
  struct stat st;
  REQUIRE(::stat((tree.data / "file.txt").c_str(), &st) == 0);
  CHECK(t->exe_ino == st.st_ino);

  const ThreadInfo* thread = find_thread(*md, 21);
  REQUIRE(thread != nullptr);
  CHECK(thread->pid == 20);
  CHECK(thread->ptid == 1);
  CHECK(thread->vtid == 8);
  CHECK(thread->flags == (8192u | 1u));  // PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES

  REQUIRE(md->machine.has_value());
  CHECK(md->machine->hostname == "fake-host");
  CHECK(md->machine->boot_ts_epoch == 1'700'000'000'000'000'000ull);
}

TEST_CASE("a fake proc tree's fds are classified with flags, device and inode") {
  FakeTree tree;
  ProcSnapshotStats stats;
  auto md = snapshot_proc(tree.options(), &stats);
  REQUIRE(md.ok());
  const FdList* list = nullptr;
  for (const auto& l : md->fd_lists) {
    if (l.tid == 20) list = &l;
  }
  REQUIRE(list != nullptr);
  REQUIRE(list->fds.size() == 6);

  const FdInfo& file = list->fds[0];
  CHECK(file.fd == 3);
  CHECK(file.type == FdType::FileV2);
  CHECK(file.name == (tree.data / "file.txt").string());
  CHECK(file.open_flags == (3u | 4096u));  // O_RDWR | O_CLOEXEC; O_LARGEFILE stays invisible
  CHECK(file.dev == static_cast<uint32_t>(makedev(8, 17)));
  const FdInfo& dir = list->fds[1];
  CHECK(dir.fd == 4);
  CHECK(dir.type == FdType::Directory);
  CHECK(dir.name == tree.data.string());
  CHECK(stats.fds_vanished == 1);  // fd 5 points nowhere
  CHECK(stats.fds == 6);

  // Sockets: the process has no ns/net, so the host tables under proc_root/net are used.
  const FdInfo& tcp = list->fds[2];
  CHECK(tcp.fd == 6);
  CHECK(tcp.type == FdType::Ipv4ServSock);
  CHECK(tcp.ino == 5555);
  CHECK(tcp.sip == std::array<uint8_t, 16>{127, 0, 0, 1});
  CHECK(tcp.sport == 8080);
  CHECK(tcp.l4proto == 2);
  const FdInfo& un = list->fds[3];
  CHECK(un.fd == 7);
  CHECK(un.type == FdType::UnixSock);
  CHECK(un.ino == 6666);
  CHECK(un.name == "/run/with space.sock");
  CHECK(stats.sockets_unresolved == 1);  // fd 8: left out, as libscap does

  const FdInfo& v6 = list->fds[4];
  CHECK(v6.fd == 9);
  CHECK(v6.type == FdType::Ipv6Sock);
  std::array<uint8_t, 16> loopback6{};
  loopback6[15] = 1;
  CHECK(v6.sip == loopback6);
  CHECK(v6.dip == loopback6);
  CHECK(v6.sport == 8080);
  CHECK(v6.dport == 54321);
  CHECK(v6.l4proto == 2);
  const FdInfo& udp = list->fds[5];
  CHECK(udp.fd == 10);
  CHECK(udp.type == FdType::Ipv4ServSock);
  CHECK(udp.sip == std::array<uint8_t, 16>{});
  CHECK(udp.sport == 53);
  CHECK(udp.l4proto == 3);
}

TEST_CASE("a fake proc tree with malformed files is scanned without failing and counts each problem") {
  FakeTree tree;
  ProcSnapshotStats stats;
  auto md = snapshot_proc(tree.options(), &stats);
  REQUIRE(md.ok());

  CHECK(find_thread(*md, 30) == nullptr);
  CHECK(find_thread(*md, 40) == nullptr);
  CHECK(find_thread(*md, 50) == nullptr);
  CHECK(find_thread(*md, 60) == nullptr);
  CHECK(md->threads.size() == 3);  // 1, 20, 21
  CHECK(stats.threads == 3);
  CHECK(stats.processes == 2);
  CHECK(stats.kernel_threads_skipped == 1);
  CHECK(stats.threads_vanished == 1);
  CHECK(mentions(stats, "/30/status"));
  CHECK(mentions(stats, "/50/stat"));
  CHECK(mentions(stats, "/passwd:3"));
  CHECK(mentions(stats, "/passwd:5"));
  CHECK(mentions(stats, "/group:3"));
  CHECK(mentions(stats, "/net/tcp"));  // the line that is not a socket
  CHECK(stats.malformed == 6);
  CHECK(stats.problems.size() == 6);
  CHECK(stats.fd_dirs_unreadable == 1);  // pid 1 has no fd directory

  // Good lines around the bad ones survive.
  REQUIRE(md->users.size() == 2);
  CHECK(md->users[1].name == "w");
  CHECK(md->users[1].homedir == "/home/w");
  CHECK(md->users[1].shell == "/bin/sh");
  REQUIRE(md->groups.size() == 2);
  CHECK(md->groups[1].gid == 10);
}

TEST_CASE("a missing proc root is an error naming the directory") {
  ProcSnapshotOptions opt;
  opt.proc_root = vigil::test::temp_dir() + "/does-not-exist";
  auto md = snapshot_proc(opt);
  REQUIRE_FALSE(md.ok());
  CHECK(md.error().file == opt.proc_root);
  CHECK(md.error().to_string().find("cannot list") != std::string::npos);
}

TEST_CASE("problem details are capped while every malformed line is still counted") {
  FakeTree tree;
  std::string passwd;
  for (int i = 0; i < 100; ++i) passwd += "broken line " + std::to_string(i) + "\n";
  write(tree.etc / "passwd", passwd);
  ProcSnapshotOptions opt = tree.options();
  opt.fds = false;
  ProcSnapshotStats stats;
  auto md = snapshot_proc(opt, &stats);
  REQUIRE(md.ok());
  CHECK(md->users.empty());
  CHECK(md->fd_lists.empty());
  // 100 passwd lines + group:3 + status of pid 30 + stat of pid 50 (no fds: no socket tables).
  CHECK(stats.malformed == 103);
  CHECK(stats.problems.size() == ProcSnapshotStats::kMaxProblems);
  CHECK(stats.problems_dropped == 103 - ProcSnapshotStats::kMaxProblems);
}

TEST_CASE("cgroup v2 paths seen from a private cgroup namespace are made absolute") {
  // The scanner (pid 77 of this tree) sits in /system.slice/vigil.scope under its own cgroup
  // namespace, so the other processes' cgroups read relative to that.
  fs::path proc = fs::path(vigil::test::temp_dir()) / "proc";
  fs::create_directories(proc / "77" / "ns");
  fs::create_directories(proc / "1" / "ns");
  fs::create_symlink("77", proc / "self");
  fs::create_symlink("cgroup:[4026532500]", proc / "77" / "ns" / "cgroup");
  fs::create_symlink("cgroup:[4026531835]", proc / "1" / "ns" / "cgroup");
  fs::path cg = proc / "1" / "root" / "sys" / "fs" / "cgroup";
  write(proc / "1" / "mounts", "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n");
  write(cg / "cgroup.controllers", "cpu memory\n");
  write(cg / "system.slice" / "cgroup.controllers", "cpu memory\n");
  write(cg / "system.slice" / "vigil.scope" / "cgroup.controllers", "memory\n");
  write(cg / "system.slice" / "vigil.scope" / "cgroup.procs", "76\n77\n");
  write(cg / "system.slice" / "other.service" / "cgroup.controllers", "cpu memory\n");
  write_process(proc / "1", 1, 1, 0);
  write(proc / "1" / "cgroup", "0::/../../..\n");  // above the root: stays at the root
  write_process(proc / "20", 20, 20, 1);
  write(proc / "20" / "cgroup", "0::/../other.service\n");
  write_process(proc / "21", 21, 21, 1);
  write(proc / "21" / "cgroup", "0::/\n");  // the scanner's own cgroup

  auto md = snapshot_threads_only(proc);
  REQUIRE(md.ok());
  const ThreadInfo* init = find_thread(*md, 1);
  const ThreadInfo* other = find_thread(*md, 20);
  const ThreadInfo* same = find_thread(*md, 21);
  REQUIRE(init != nullptr);
  REQUIRE(other != nullptr);
  REQUIRE(same != nullptr);
  CHECK(init->cgroups == std::vector<std::string>{"cpu=/", "memory=/"});
  CHECK(other->cgroups == std::vector<std::string>{"unified=/system.slice/other.service",
                                                   "cpu=/system.slice/other.service",
                                                   "memory=/system.slice/other.service"});
  CHECK(same->cgroups == std::vector<std::string>{"unified=/system.slice/vigil.scope",
                                                  "memory=/system.slice/vigil.scope", "cpu=/system.slice"});
}

TEST_CASE("a cgroup v2 container leaf without controllers comes first as the unified item") {
  // A pure v2 host: docker's leaf enables no controller, so libscap's per-controller resolution
  // reports only its parent; the unified item keeps the leaf that names the container.
  fs::path proc = fs::path(vigil::test::temp_dir()) / "proc";
  fs::path cg = proc / "1" / "root" / "sys" / "fs" / "cgroup";
  write(proc / "1" / "mounts", "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n");
  write(cg / "cgroup.controllers", "cpu memory pids\n");
  write(cg / "system.slice" / "cgroup.controllers", "cpu memory pids\n");
  write(cg / "system.slice" / ("docker-" + kDockerId + ".scope") / "cgroup.controllers", "\n");
  write_process(proc / "1", 1, 1, 0);
  write(proc / "1" / "cgroup", "0::/init.scope\n");
  write_process(proc / "30", 30, 30, 1);
  write(proc / "30" / "cgroup", "0::/system.slice/docker-" + kDockerId + ".scope\n");
  write_process(proc / "31", 31, 31, 1);
  write(proc / "31" / "cgroup", "0::/\n");

  auto md = snapshot_threads_only(proc);
  REQUIRE(md.ok());
  const ThreadInfo* in_container = find_thread(*md, 30);
  const ThreadInfo* at_root = find_thread(*md, 31);
  REQUIRE(in_container != nullptr);
  REQUIRE(at_root != nullptr);
  CHECK(in_container->cgroups ==
        std::vector<std::string>{"unified=/system.slice/docker-" + kDockerId + ".scope", "cpu=/system.slice",
                                 "memory=/system.slice", "pids=/system.slice"});
  CHECK(at_root->cgroups == std::vector<std::string>{"cpu=/", "memory=/", "pids=/"});  // no "unified=/"
}

TEST_CASE("on a hybrid cgroup host the unified item follows the v2 line even without controllers") {
  // Like this CI host: every controller on a v1 hierarchy, cgroup2 mounted at .../unified with
  // none, so the "0::" line gives no controller item, only the unified one.
  fs::path proc = fs::path(vigil::test::temp_dir()) / "proc";
  write(proc / "1" / "mounts",
        "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n"
        "cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n");
  write(proc / "1" / "root" / "sys" / "fs" / "cgroup" / "unified" / "cgroup.controllers", "\n");
  write_process(proc / "1", 1, 1, 0);
  write(proc / "1" / "cgroup", "4:memory:/\n0::/\n");
  write_process(proc / "30", 30, 30, 1);
  write(proc / "30" / "cgroup",
        "4:memory:/process_api/2fcc27b6b31a448318f225716c3063ec\n0::/docker/" + kDockerId + "\n");

  auto md = snapshot_threads_only(proc);
  REQUIRE(md.ok());
  const ThreadInfo* init = find_thread(*md, 1);
  const ThreadInfo* t = find_thread(*md, 30);
  REQUIRE(init != nullptr);
  REQUIRE(t != nullptr);
  CHECK(init->cgroups == std::vector<std::string>{"memory=/"});
  CHECK(t->cgroups == std::vector<std::string>{"unified=/docker/" + kDockerId,
                                               "memory=/process_api/2fcc27b6b31a448318f225716c3063ec"});
}
