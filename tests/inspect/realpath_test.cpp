// fd.realpath on hand-built open events of this test process: what a live inspector resolves on
// the running system, when it refuses to (the file changed since the open), and what a replay
// reports.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "realpath_support.h"
#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using capture::Direction;
using test::enc_i64;
using test::enc_str;
using test::enc_u32;
using test::enc_u64;
using test::TestEvent;
using namespace vigil::test;

namespace {

struct Seen {
  std::string name, realpath;
};

// Opens `path` as fd 7 of the process `tid` reporting `id`, and reads fd.name and fd.realpath.
Seen open_and_read(inspect::Inspector& inspector, int64_t tid, std::string_view path, Identity id) {
  auto ev = open_event(tid, 7, path, id);
  const auto& ctx = inspector.process(ev.view());
  return {field_text(inspector, ctx, "fd.name"), field_text(inspector, ctx, "fd.realpath")};
}

}  // namespace

TEST_CASE("a live inspector resolves fd.realpath through symlinks and '..' to the file the open reported") {
  RealPathTree tree;
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(tree.root), inspect::StateOrigin::LiveHost).ok());
  REQUIRE(inspector.live());
  const Identity id = identity(tree.secret);

  const Seen via_link = open_and_read(inspector, getpid(), "link", id);
  CHECK(via_link.name == tree.root + "/link");
  CHECK(via_link.realpath == tree.secret);

  const Seen via_dotdot = open_and_read(inspector, getpid(), "dirlink/../secret", id);
  CHECK(via_dotdot.name == tree.root + "/secret");  // the lexical reading names the decoy
  CHECK(via_dotdot.realpath == tree.secret);

  const Seen absolute = open_and_read(inspector, getpid(), tree.root + "/dirlink/../secret", id);
  CHECK(absolute.realpath == tree.secret);

  const Seen direct = open_and_read(inspector, getpid(), tree.secret, id);
  CHECK(direct.name == tree.secret);
  CHECK(direct.realpath == tree.secret);
}

TEST_CASE("fd.realpath falls back to fd.name when the file reached is not the one the open reported") {
  RealPathTree tree;
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(tree.root), inspect::StateOrigin::LiveHost).ok());
  Identity other = identity(tree.root + "/secret");  // the decoy: a different inode, same device
  const Seen wrong_inode = open_and_read(inspector, getpid(), "link", other);
  CHECK(wrong_inode.realpath == tree.root + "/link");

  Identity wrong_dev = identity(tree.secret);
  wrong_dev.dev ^= 0x100;  // another major number
  const Seen other_device = open_and_read(inspector, getpid(), "link", wrong_dev);
  CHECK(other_device.realpath == tree.root + "/link");

  // The link now points elsewhere than at open time: the old identity no longer matches.
  const Identity at_open = identity(tree.secret);
  REQUIRE(::unlink((tree.root + "/link").c_str()) == 0);
  REQUIRE(::symlink("secret", (tree.root + "/link").c_str()) == 0);
  const Seen replaced = open_and_read(inspector, getpid(), "link", at_open);
  CHECK(replaced.realpath == tree.root + "/link");

  // A path that no longer exists at all.
  const Seen gone = open_and_read(inspector, getpid(), "no/such/file", at_open);
  CHECK(gone.realpath == tree.root + "/no/such/file");
}

TEST_CASE("fd.realpath is worked out once per fd and kept") {
  RealPathTree tree;
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(tree.root), inspect::StateOrigin::LiveHost).ok());
  auto ev = open_event(getpid(), 7, "link", identity(tree.secret));
  const auto& ctx = inspector.process(ev.view());
  CHECK(field_text(inspector, ctx, "fd.realpath") == tree.secret);
  // Were it looked up again, the missing link would make it fall back to fd.name.
  REQUIRE(::unlink((tree.root + "/link").c_str()) == 0);
  CHECK(field_text(inspector, ctx, "fd.realpath") == tree.secret);
  const inspect::FdState* fd = inspector.threads().find(getpid())->files->fds.find(7);
  REQUIRE(fd != nullptr);
  CHECK(fd->realpath_state == inspect::FdState::RealPath::Resolved);
}

TEST_CASE("without dev and ino in the open event fd.realpath is checked against the fd still open") {
  RealPathTree tree;
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(tree.root), inspect::StateOrigin::LiveHost).ok());
  const int real_fd = ::open(tree.secret.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(real_fd >= 0);
  auto open = open_event(getpid(), real_fd, "link", {});
  const auto& ctx = inspector.process(open.view());
  CHECK(field_text(inspector, ctx, "fd.realpath") == tree.secret);
  ::close(real_fd);

  // Not open any more (and nothing else to prove it with): the name as opened.
  auto closed = open_event(getpid(), real_fd, "link", {});
  const auto& ctx2 = inspector.process(closed.view(2));
  CHECK(field_text(inspector, ctx2, "fd.realpath") == tree.root + "/link");
}

TEST_CASE("fd.realpath of a thread that has exited is resolved in its parent's root") {
  // A root other than "/" keeps the host-root fallback out of the way.
  RealPathTree tree;
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(tree.root, child, getpid(), "/srv/chroot"), inspect::StateOrigin::LiveHost).ok());
  const Seen seen = open_and_read(inspector, child, "dirlink/../secret", identity(tree.secret));
  CHECK(seen.realpath == tree.secret);
}

TEST_CASE("a relative path opened from a working directory known only lexically is resolved from the real one") {
  RealPathTree tree;
  char before[PATH_MAX];
  REQUIRE(::getcwd(before, sizeof before) != nullptr);
  // The process did chdir("dirlink/.."): lexically the tree's root, really real/.
  REQUIRE(::chdir((tree.root + "/real").c_str()) == 0);
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(tree.root), inspect::StateOrigin::LiveHost).ok());
  const Seen seen = open_and_read(inspector, getpid(), "secret", identity(tree.secret));
  REQUIRE(::chdir(before) == 0);
  CHECK(seen.name == tree.root + "/secret");  // the decoy
  CHECK(seen.realpath == tree.secret);
}

TEST_CASE("replaying events, fd.realpath is fd.name") {
  RealPathTree tree;
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(tree.root)).ok());
  CHECK_FALSE(inspector.live());
  const Seen seen = open_and_read(inspector, getpid(), "dirlink/../secret", identity(tree.secret));
  CHECK(seen.name == tree.root + "/secret");
  CHECK(seen.realpath == seen.name);
}

TEST_CASE("fd.realpath of a socket is its fd.name, live or not") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process("/"), inspect::StateOrigin::LiveHost).ok());
  TestEvent sock("socket", Direction::Exit, getpid());
  sock.set("fd", enc_i64(9)).set("domain", enc_u32(2)).set("type", enc_u32(1)).set("proto", enc_u32(0));
  inspector.process(sock.view(1));
  TestEvent conn("connect", Direction::Exit, getpid());
  conn.set("res", enc_i64(0)).set("fd", enc_i64(9))
      .set("tuple", test::enc_tuple4({127, 0, 0, 1}, 40000, {127, 0, 0, 1}, 80));
  const auto& ctx = inspector.process(conn.view(2));
  CHECK(field_text(inspector, ctx, "fd.name") == "127.0.0.1:40000->127.0.0.1:80");
  CHECK(field_text(inspector, ctx, "fd.realpath") == "127.0.0.1:40000->127.0.0.1:80");
}

TEST_CASE("on every event of a shared capture fd.realpath equals fd.name") {
  for (const char* name : {"open-multiple-files.scap", "cat_write.scap", "connect_localhost.scap"}) {
    INFO(name);
    auto reader = capture::ScapReader::open(test::capture_path(name), {capture::ReadMode::Normalized});
    REQUIRE(reader.ok());
    inspect::Inspector inspector;
    REQUIRE(inspector.seed((*reader)->metadata()).ok());
    auto fd_name = inspector.fields().bind("fd.name", std::nullopt);
    auto real = inspector.fields().bind("fd.realpath", std::nullopt);
    REQUIRE(fd_name.ok());
    REQUIRE(real.ok());
    inspect::FieldValues a, b;
    capture::EventView ev;
    size_t with_name = 0;
    while ((*reader)->next(ev) == capture::NextStatus::Event) {
      const auto& ctx = inspector.process(ev);
      const bool has_name = fd_name.value()->extract(ctx, a);
      REQUIRE(real.value()->extract(ctx, b) == has_name);
      if (!has_name) continue;
      ++with_name;
      REQUIRE(a[0].str == b[0].str);
    }
    CHECK(with_name >= 5);
  }
}
