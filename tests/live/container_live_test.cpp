// Live container identification on the CI host itself: its own processes are on the host (its
// cgroups include a 32-hex leaf, "/process_api/<hex>", that must not pass for a container), and
// a process moved into a docker-named cgroup v2 leaf without controllers (what a pure v2 host
// gives a container) is in that container, both in the /proc snapshot and in live events.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "inspect_harness.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;
using inspect::EventContext;

namespace {

constexpr uint16_t kExecveX = 293, kProcExit = 186;

const std::vector<std::string> kContainerFields = {"container.id", "container.type", "container.name",
                                                   "thread.cgroups"};

// The mount point of the cgroup2 hierarchy ("" when none is mounted) and this process's path in
// it ("0::PATH" of /proc/self/cgroup).
struct UnifiedHierarchy {
  std::string mount;
  std::string self;
};

UnifiedHierarchy unified_hierarchy() {
  UnifiedHierarchy h;
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    const size_t dash = line.find(" - cgroup2 ");
    if (dash == std::string::npos) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    h.mount = point;
  }
  std::ifstream cgroup("/proc/self/cgroup");
  for (std::string line; std::getline(cgroup, line);) {
    if (line.rfind("0::", 0) == 0) h.self = line.substr(3);
  }
  return h;
}

std::string random_hex_id() {
  std::random_device rd;
  std::string id;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 64; ++i) id += kHex[rd() & 15];
  return id;
}

// "<own v2 cgroup>/docker/<64 hex>" in the cgroup2 hierarchy, as docker's cgroupfs driver lays a
// container out on a v2 host; no controller is enabled for it. Removed (with the "docker" level
// when made here) on destruction, once its members have exited.
class V2DockerLeaf {
 public:
  V2DockerLeaf() : id_(random_hex_id()) {
    const UnifiedHierarchy h = unified_hierarchy();
    REQUIRE(!h.mount.empty());  // CI hosts mount cgroup2 (here at /sys/fs/cgroup/unified)
    REQUIRE(!h.self.empty());
    std::string base = h.mount + (h.self == "/" ? "" : h.self);
    relative_ = (h.self == "/" ? "" : h.self) + "/docker/" + id_;
    parent_ = base + "/docker";
    if (::mkdir(parent_.c_str(), 0755) == 0) {
      made_parent_ = true;
    } else {
      REQUIRE(errno == EEXIST);
    }
    leaf_ = parent_ + "/" + id_;
    INFO("mkdir " << leaf_ << ": " << std::strerror(errno));
    REQUIRE(::mkdir(leaf_.c_str(), 0755) == 0);
  }
  V2DockerLeaf(const V2DockerLeaf&) = delete;
  V2DockerLeaf& operator=(const V2DockerLeaf&) = delete;
  ~V2DockerLeaf() {
    for (int i = 0; i < 200 && ::rmdir(leaf_.c_str()) != 0 && errno == EBUSY; ++i) ::usleep(10'000);
    if (made_parent_) ::rmdir(parent_.c_str());
  }

  const std::string& id() const { return id_; }
  std::string short_id() const { return id_.substr(0, 12); }
  // The leaf's path as /proc/PID/cgroup and the driver spell it.
  const std::string& relative() const { return relative_; }
  // Moves the calling process in; only open/write/close, so a forked child may call it.
  bool enter() const {
    const int fd = ::open((leaf_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::write(fd, "0", 1) == 1;
    ::close(fd);
    return ok;
  }

 private:
  std::string id_;
  std::string parent_;
  std::string leaf_;
  std::string relative_;
  bool made_parent_ = false;
};

// A child that waits on a pipe, then execs /bin/true; `inside` moves it into `leaf` first.
struct WaitingChild {
  pid_t pid = -1;
  int go = -1;
};

WaitingChild start_child(const V2DockerLeaf* leaf) {
  int ready[2], go[2];
  REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(go, O_CLOEXEC) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const char status = (leaf == nullptr || leaf->enter()) ? 'y' : 'n';
    if (::write(ready[1], &status, 1) != 1) _exit(126);
    char c;
    if (::read(go[0], &c, 1) != 1) _exit(125);
    char* const argv[] = {const_cast<char*>("true"), nullptr};
    char* const envp[] = {nullptr};
    ::execve("/bin/true", argv, envp);
    _exit(127);
  }
  ::close(ready[1]);
  ::close(go[0]);
  char status = 0;
  REQUIRE(::read(ready[0], &status, 1) == 1);
  ::close(ready[0]);
  REQUIRE(status == 'y');
  return {pid, go[1]};
}

void release_and_reap(WaitingChild& child) {
  REQUIRE(::write(child.go, "x", 1) == 1);
  ::close(child.go);
  int status = 0;
  REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
}

std::vector<InspectedEvent> child_events(InspectedCapture& cap, pid_t child) {
  return cap.until_marker(kContainerFields, [child](const EventContext& c) {
    return c.event().tid() == child && (c.event().type() == kExecveX || c.event().type() == kProcExit);
  });
}

}  // namespace

TEST_CASE("processes of this host are on the host in the proc snapshot and in live events") {
  InspectedCapture cap({"execve"});
  // The snapshot: this process, whose memory cgroup here is "/process_api/<32 hex>".
  const inspect::ThreadState* self = cap.inspector.threads().find(::getpid());
  REQUIRE(self != nullptr);
  INFO("cgroups: " << [&] {
    std::string all;
    for (const auto& c : self->cgroups) all += c + " ";
    return all;
  }());
  CHECK(self->container.id == "host");
  CHECK(self->container.is_host());

  WaitingChild child = start_child(nullptr);
  release_and_reap(child);
  emit_marker();
  const std::vector<InspectedEvent> events = child_events(cap, child.pid);
  REQUIRE(events.size() == 2);  // execve exit, procexit
  for (const InspectedEvent& e : events) {
    INFO("event type " << e.type << " cgroups " << e["thread.cgroups"]);
    CHECK(e["container.id"] == "host");
    CHECK(e["container.type"] == "host");
    CHECK(e["container.name"] == "host");
  }
  // This process sits at the root of the unified hierarchy: no unified item is reported.
  CHECK(events[0]["thread.cgroups"].find("unified=") == std::string::npos);
  CHECK(events[0]["thread.cgroups"].find("memory=") != std::string::npos);
}

TEST_CASE("a process in a docker-named cgroup v2 leaf without controllers is in that container") {
  V2DockerLeaf leaf;
  // Moved in before the capture starts, so the /proc snapshot finds it there ("0::/.../docker/ID").
  WaitingChild child = start_child(&leaf);
  InspectedCapture cap({"execve"});
  const inspect::ThreadState* snap = cap.inspector.threads().find(child.pid);
  REQUIRE(snap != nullptr);
  REQUIRE(!snap->cgroups.empty());
  CHECK(snap->cgroups.front() == "unified=" + leaf.relative());
  CHECK(snap->container.id == leaf.short_id());
  CHECK(snap->container.full_id == leaf.id());
  CHECK(snap->container.type == inspect::ContainerType::Docker);

  // Live: the execve exit and procexit events carry the driver's cgroups, unified item first.
  release_and_reap(child);
  emit_marker();
  const std::vector<InspectedEvent> events = child_events(cap, child.pid);
  REQUIRE(events.size() == 2);
  for (const InspectedEvent& e : events) {
    INFO("event type " << e.type << " cgroups " << e["thread.cgroups"]);
    CHECK(e["container.id"] == leaf.short_id());
    CHECK(e["container.type"] == "docker");
    CHECK(e["thread.cgroups"].rfind("unified=" + leaf.relative() + " ", 0) == 0);
  }
}

TEST_CASE("a child forked into a cgroup v2 container after the snapshot gets the container from live events") {
  V2DockerLeaf leaf;
  InspectedCapture cap({"execve"});
  WaitingChild child = start_child(&leaf);  // moves itself in, then execs
  release_and_reap(child);
  emit_marker();
  const std::vector<InspectedEvent> events = child_events(cap, child.pid);
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == kExecveX);
  for (const InspectedEvent& e : events) {
    INFO("event type " << e.type << " cgroups " << e["thread.cgroups"]);
    CHECK(e["container.id"] == leaf.short_id());
    CHECK(e["container.type"] == "docker");
  }
}
