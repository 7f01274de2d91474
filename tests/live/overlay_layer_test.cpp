// Live capture on an overlayfs mount: the open family's flags, creat's creat_flags and the
// inspected fd.is_upper_layer / fd.is_lower_layer say which layer the file came from. Mounts a
// small overlay in a temp dir (root, as CI runs).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/openat2.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "inspect_harness.h"
#include "live_harness.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;
using capture::EventView;

namespace {

constexpr uint16_t kOpenatX = 307, kCreatX = 59, kOpenat2X = 327;
constexpr uint32_t kPpmRdonly = 1, kPpmWronly = 2, kPpmCreat = 4;
constexpr uint32_t kUpper = 32768, kLower = 65536;
constexpr uint16_t kUpperCreat = 1;
constexpr uint16_t kExecveX = 293;
constexpr uint32_t kExeUpper = 2, kExeLower = 8;

// Runs `path` in a child and waits for it; the child's pid.
pid_t run(const std::string& path) {
  const pid_t child = fork();
  if (child == 0) {
    char* const argv[] = {const_cast<char*>(path.c_str()), nullptr};
    char* const envp[] = {nullptr};
    execve(path.c_str(), argv, envp);
    _exit(127);
  }
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  return child;
}

// lower/ holds two files; merged/ is the overlay of upper/ on lower/, unmounted on destruction.
struct Overlay {
  std::string dir = temp_dir();
  std::string merged = dir + "/merged";
  bool mounted = false;
  Overlay() {
    for (const char* d : {"/lower", "/upper", "/work", "/merged"}) REQUIRE(::mkdir((dir + d).c_str(), 0755) == 0);
    std::ofstream(dir + "/lower/image.txt") << "from the image\n";
    std::ofstream(dir + "/lower/patched.txt") << "to be changed\n";
    const std::string opts = "lowerdir=" + dir + "/lower,upperdir=" + dir + "/upper,workdir=" + dir + "/work";
    const int rc = ::mount("overlay", merged.c_str(), "overlay", 0, opts.c_str());
    if (rc != 0) FAIL("mount -t overlay " << merged << ": " << std::strerror(errno));
    mounted = true;
  }
  ~Overlay() {
    if (mounted) ::umount2(merged.c_str(), MNT_DETACH);
  }
};

}  // namespace

TEST_CASE("openat on overlayfs flags a file only in the lower layer as lower and a written or new one as upper") {
  Overlay ov;
  const std::string off_overlay = ov.dir + "/plain.txt";
  std::ofstream(off_overlay) << "not on overlayfs\n";
  auto src = open_live(test_options({"openat", "openat2", "creat"}));
  const int64_t tid = current_tid();

  const std::string image = ov.merged + "/image.txt", patched = ov.merged + "/patched.txt",
                    fresh = ov.merged + "/fresh.txt", created = ov.merged + "/created.txt";
  const int ro = ::openat(AT_FDCWD, image.c_str(), O_RDONLY);
  REQUIRE(ro >= 0);
  const int wr = ::openat(AT_FDCWD, patched.c_str(), O_WRONLY);  // copies the file up
  REQUIRE(wr >= 0);
  const int nw = ::openat(AT_FDCWD, fresh.c_str(), O_WRONLY | O_CREAT, 0600);
  REQUIRE(nw >= 0);
  const int cr = static_cast<int>(syscall(SYS_creat, created.c_str(), 0600));
  REQUIRE(cr >= 0);
  struct open_how how {};
  how.flags = O_RDONLY;
  const int o2 = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, image.c_str(), &how, sizeof how));
  REQUIRE(o2 >= 0);
  const int plain = ::openat(AT_FDCWD, off_overlay.c_str(), O_RDONLY);
  REQUIRE(plain >= 0);
  for (int fd : {ro, wr, nw, cr, o2, plain}) ::close(fd);
  emit_marker();

  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kOpenatX || e.type() == kCreatX || e.type() == kOpenat2X);
  });
  auto flags_of = [&](uint16_t type, const std::string& path) -> int64_t {
    for (const auto& e : events)
      if (e.type() == type && e.param("name").as_string() == path)
        return type == kCreatX ? e.param("creat_flags").as_u16() : e.param("flags").as_u32();
    return -1;
  };
  CHECK(flags_of(kOpenatX, image) == (kPpmRdonly | kLower));
  CHECK(flags_of(kOpenatX, patched) == (kPpmWronly | kUpper));
  CHECK(flags_of(kOpenatX, fresh) == (kPpmWronly | kPpmCreat | kUpper));
  CHECK(flags_of(kCreatX, created) == kUpperCreat);
  CHECK(flags_of(kOpenat2X, image) == (kPpmRdonly | kLower));
  CHECK(flags_of(kOpenatX, off_overlay) == kPpmRdonly);
}

TEST_CASE("fd.is_lower_layer and fd.is_upper_layer follow the layer of a file opened on overlayfs") {
  Overlay ov;
  InspectedCapture cap({"openat", "close"});
  const std::string image = ov.merged + "/image.txt", patched = ov.merged + "/patched.txt";
  const int ro = ::openat(AT_FDCWD, image.c_str(), O_RDONLY);
  REQUIRE(ro >= 0);
  const int wr = ::openat(AT_FDCWD, patched.c_str(), O_WRONLY | O_APPEND);
  REQUIRE(wr >= 0);
  ::close(ro);
  ::close(wr);
  emit_marker();
  const int64_t tid = current_tid();
  auto seen = cap.until_marker({"fd.name", "fd.is_lower_layer", "fd.is_upper_layer"},
                               [&](const inspect::EventContext& c) {
                                 return c.event().tid() == tid && c.event().type() == kOpenatX;
                               });
  int checked = 0;
  for (const InspectedEvent& e : seen) {
    if (e["fd.name"] == image) {
      CHECK(e["fd.is_lower_layer"] == "true");
      CHECK(e["fd.is_upper_layer"] == "false");
      checked++;
    } else if (e["fd.name"] == patched) {
      CHECK(e["fd.is_lower_layer"] == "false");
      CHECK(e["fd.is_upper_layer"] == "true");
      checked++;
    }
  }
  CHECK(checked == 2);
}

TEST_CASE("execve of a binary from overlayfs flags the exe as lower, or upper once it was copied up") {
  Overlay ov;
  REQUIRE(std::system(("cp /bin/true " + ov.dir + "/lower/image-true && cp /bin/true " + ov.merged +
                       "/upper-true").c_str()) == 0);
  auto src = open_live(test_options({"execve"}));
  const pid_t lower = run(ov.merged + "/image-true");
  const pid_t upper = run(ov.merged + "/upper-true");
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return (e.tid() == lower || e.tid() == upper) && e.type() == kExecveX;
  });
  REQUIRE(events.size() == 2);
  for (const auto& e : events) {
    const uint32_t flags = e.param("flags").as_u32();
    INFO("tid " << e.tid() << " flags " << flags);
    if (e.tid() == lower) {
      CHECK((flags & kExeLower) != 0);
      CHECK((flags & kExeUpper) == 0);
    } else {
      CHECK((flags & kExeUpper) != 0);
      CHECK((flags & kExeLower) == 0);
    }
  }
}
