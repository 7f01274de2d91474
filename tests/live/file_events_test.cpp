// Live capture of file syscalls: the exact events and parameters the driver produces.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <climits>
#include <fstream>

#include "live_harness.h"
#include "live_workloads.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;
using capture::EventView;

namespace {
constexpr uint16_t kOpenatE = 306, kOpenatX = 307, kCloseX = 5, kReadX = 7, kWriteX = 9;
constexpr uint32_t kPpmRdwr = 3, kPpmCreat = 4, kPpmTrunc = 256, kPpmCloexec = 4096, kPpmRdonly = 1;
}  // namespace

TEST_CASE("openat, write, read and close of a temp file arrive with their exact parameters") {
  auto src = open_live(test_options({"openat", "read", "write", "close"}));
  const std::string path = temp_dir() + "/data.txt";
  const int64_t tid = current_tid();

  const int fd = write_and_read_back(path);
  struct stat stbuf {};
  REQUIRE(::stat(path.c_str(), &stbuf) == 0);
  emit_marker();

  // This thread's events on the file: the openat pair by path, the rest by fd, in order.
  // The fd number may have been used before (and after) by this thread: only the span from our
  // openat to our close counts.
  bool open_seen = false, closed = false;
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    if (e.tid() != tid || closed) return false;
    if (e.type() == kOpenatE || e.type() == kOpenatX) {
      if (e.param("name").as_string() != path) return false;
      open_seen = true;
      return true;
    }
    if (!open_seen || e.param("fd").as_i64() != fd) return false;
    if (e.type() == kCloseX) closed = true;
    return e.type() == kWriteX || e.type() == kReadX || e.type() == kCloseX;
  });
  auto mine = of_types(events, {kOpenatE, kOpenatX, kWriteX, kReadX, kCloseX});
  REQUIRE(mine.size() == 5);

  const auto& enter = mine[0];
  REQUIRE(enter.type() == kOpenatE);
  CHECK(enter.view().nparams() == 4);
  CHECK(enter.param("dirfd").as_i64() == AT_FDCWD);
  CHECK(enter.param("name").as_string() == path);
  CHECK(enter.param("flags").as_u32() == (kPpmRdwr | kPpmCreat | kPpmTrunc | kPpmCloexec));
  CHECK(enter.param("mode").as_u32() == 0640);

  const auto& open = mine[1];
  REQUIRE(open.type() == kOpenatX);
  CHECK(open.view().nparams() == 7);
  CHECK(open.param("fd").as_i64() == fd);
  CHECK(open.param("dirfd").as_i64() == AT_FDCWD);
  CHECK(open.param("name").as_string() == path);
  CHECK(open.param("flags").as_u32() == (kPpmRdwr | kPpmCreat | kPpmTrunc | kPpmCloexec));
  CHECK(open.param("mode").as_u32() == 0640);
  CHECK(open.param("ino").as_u64() == stbuf.st_ino);
  const uint32_t dev = open.param("dev").as_u32();
  CHECK(dev == static_cast<uint32_t>((minor(stbuf.st_dev) & 0xff) | (major(stbuf.st_dev) << 8) |
                                     ((minor(stbuf.st_dev) & ~0xffu) << 12)));
  CHECK(open.view().ts() >= enter.view().ts());

  const auto& wr = mine[2];
  REQUIRE(wr.type() == kWriteX);
  CHECK(wr.param("res").as_i64() == 11);
  CHECK(wr.param("fd").as_i64() == fd);
  CHECK(wr.param("size").as_u32() == 11);
  CHECK(std::string(reinterpret_cast<const char*>(wr.param("data").data()), wr.param("data").size()) == "hello vigil");

  const auto& rd = mine[3];
  REQUIRE(rd.type() == kReadX);
  CHECK(rd.param("res").as_i64() == 11);
  CHECK(rd.param("size").as_u32() == 64);
  CHECK(std::string(reinterpret_cast<const char*>(rd.param("data").data()), rd.param("data").size()) == "hello vigil");

  const auto& cl = mine[4];
  REQUIRE(cl.type() == kCloseX);
  CHECK(cl.param("res").as_i64() == 0);
  CHECK(cl.param("fd").as_i64() == fd);
}

TEST_CASE("a failed open reports the negative errno and the path as passed") {
  auto src = open_live(test_options({"openat"}));
  const int64_t tid = current_tid();
  const std::string missing = temp_dir() + "/does/not/exist";
  REQUIRE(::openat(AT_FDCWD, missing.c_str(), O_RDONLY) == -1);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && e.type() == kOpenatX && e.param("name").as_string() == missing;
  });
  REQUIRE(events.size() == 1);
  CHECK(events[0].param("fd").as_i64() == -ENOENT);
  CHECK(events[0].param("name").as_string() == missing);
  CHECK(events[0].param("flags").as_u32() == kPpmRdonly);
  CHECK(events[0].param("mode").as_u32() == 0);
  CHECK(events[0].param("ino").as_u64() == 0);
}

TEST_CASE("writev and readv report total sizes and the data of their buffers") {
  auto src = open_live(test_options({"writev", "readv"}));
  const int64_t tid = current_tid();
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  char a[] = "abc", b[] = "defg";
  iovec out[2] = {{a, 3}, {b, 4}};
  REQUIRE(writev(fds[1], out, 2) == 7);
  char r1[2], r2[16];
  iovec in[2] = {{r1, sizeof r1}, {r2, sizeof r2}};
  REQUIRE(readv(fds[0], in, 2) == 7);
  close(fds[0]);
  close(fds[1]);
  emit_marker();
  constexpr uint16_t kReadvX = 117, kWritevX = 119;
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kReadvX || e.type() == kWritevX);
  });
  REQUIRE(events.size() == 2);
  CHECK(events[0].type() == kWritevX);
  CHECK(events[0].param("res").as_i64() == 7);
  CHECK(events[0].param("size").as_u32() == 7);
  CHECK(events[0].param("fd").as_i64() == fds[1]);
  CHECK(std::string_view(reinterpret_cast<const char*>(events[0].param("data").data()), events[0].param("data").size()) ==
        "abcdefg");
  CHECK(events[1].type() == kReadvX);
  CHECK(events[1].param("size").as_u32() == 18);
  CHECK(std::string_view(reinterpret_cast<const char*>(events[1].param("data").data()), events[1].param("data").size()) ==
        "abcdefg");
}

TEST_CASE("mmap reports its protection and flags in PPM encoding") {
  auto src = open_live(test_options({"mmap", "munmap"}));
  const int64_t tid = current_tid();
  void* p = mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(p != MAP_FAILED);
  REQUIRE(munmap(p, 8192) == 0);
  emit_marker();
  constexpr uint16_t kMmapX = 161, kMunmapX = 165;
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && ((e.type() == kMmapX && e.param("length").as_u64() == 8192) ||
                              (e.type() == kMunmapX && e.param("addr").as_u64() == reinterpret_cast<uint64_t>(p)));
  });
  REQUIRE(events.size() == 2);
  CHECK(events[0].param("res").as_u64() == reinterpret_cast<uint64_t>(p));
  CHECK(events[0].param("prot").as_u32() == 3);   // PPM_PROT_READ | PPM_PROT_WRITE
  CHECK(events[0].param("flags").as_u32() == 10);  // PPM_MAP_PRIVATE | PPM_MAP_ANONYMOUS
  CHECK(events[0].param("fd").as_i64() == -1);
  CHECK(events[0].param("vm_size").as_u32() > 0);
  CHECK(events[1].param("res").as_i64() == 0);
}

TEST_CASE("open_by_handle_at reports the absolute path of the file the handle opened") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/by-handle.txt";
  std::ofstream(path) << "handle";
  char real[PATH_MAX];
  REQUIRE(realpath(path.c_str(), real) != nullptr);
  struct {
    file_handle h;
    unsigned char bytes[MAX_HANDLE_SZ];
  } handle{};
  handle.h.handle_bytes = MAX_HANDLE_SZ;
  int mount_id = 0;
  REQUIRE(name_to_handle_at(AT_FDCWD, path.c_str(), &handle.h, &mount_id, 0) == 0);
  const int mount_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(mount_fd >= 0);
  auto src = open_live(test_options({"open_by_handle_at"}));
  const int64_t tid = current_tid();
  const int fd = open_by_handle_at(mount_fd, &handle.h, O_RDONLY);
  REQUIRE(fd >= 0);
  struct stat st {};
  REQUIRE(fstat(fd, &st) == 0);
  close(fd);
  close(mount_fd);
  emit_marker();
  constexpr uint16_t kOpenByHandleAtX = 337;
  auto events = collect_until_marker(*src, [&](const EventView& e) { return e.tid() == tid && e.type() == kOpenByHandleAtX; });
  REQUIRE(events.size() == 1);
  CHECK(events[0].param("fd").as_i64() == fd);
  CHECK(events[0].param("mountfd").as_i64() == mount_fd);
  CHECK(events[0].param("flags").as_u32() == kPpmRdonly);
  CHECK(events[0].param("path").as_string() == real);
  CHECK(events[0].param("ino").as_u64() == st.st_ino);
}

TEST_CASE("eventfd and inotify_init, which take no flags, report flags 0") {
  auto src = open_live(test_options({"eventfd", "inotify_init"}));
  const int64_t tid = current_tid();
  const int efd = static_cast<int>(syscall(SYS_eventfd, 5));
  REQUIRE(efd >= 0);
  const int ifd = static_cast<int>(syscall(SYS_inotify_init));
  REQUIRE(ifd >= 0);
  close(efd);
  close(ifd);
  emit_marker();
  constexpr uint16_t kEventfdX = 63, kInotifyInitX = 139;
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kEventfdX || e.type() == kInotifyInitX);
  });
  REQUIRE(events.size() == 2);
  CHECK(events[0].param("res").as_i64() == efd);
  CHECK(events[0].param("initval").as_u64() == 5);
  CHECK(events[0].param("flags").size() == 4);
  CHECK(events[0].param("flags").as_u32() == 0);
  CHECK(events[1].param("res").as_i64() == ifd);
  CHECK(events[1].param("flags").size() == 1);
  CHECK(events[1].param("flags").as_u8() == 0);
}

TEST_CASE("creat reports its enter path and mode, and the new file's device, inode and layer flags") {
  auto src = open_live(test_options({"creat"}));
  const int64_t tid = current_tid();
  const std::string path = temp_dir() + "/created.txt";
  const int fd = static_cast<int>(syscall(SYS_creat, path.c_str(), 0600));
  REQUIRE(fd >= 0);
  struct stat st {};
  REQUIRE(fstat(fd, &st) == 0);
  close(fd);
  emit_marker();
  constexpr uint16_t kCreatE = 58, kCreatX = 59;
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kCreatE || e.type() == kCreatX);
  });
  REQUIRE(events.size() == 2);
  CHECK(events[0].type() == kCreatE);
  CHECK(events[0].param("name").as_string() == path);
  CHECK(events[0].param("mode").as_u32() == 0600);
  const auto& x = events[1];
  CHECK(x.type() == kCreatX);
  CHECK(x.param("fd").as_i64() == fd);
  CHECK(x.param("name").as_string() == path);
  CHECK(x.param("mode").as_u32() == 0600);
  CHECK(x.param("ino").as_u64() == st.st_ino);
  // Not on overlayfs: neither layer flag.
  CHECK(x.param("creat_flags").size() == 2);
  CHECK(x.param("creat_flags").as_u16() == 0);
}
