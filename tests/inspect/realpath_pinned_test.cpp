// Inspector::watch_path(): watched files are named by their watched path however the open
// reached them, from the device and inode the open event reports. Real files of a temporary
// directory, opened by hand-built events of this process; the names they were opened by are
// gone (or never existed) by the time fd.realpath is looked at, as after a quick
// `ln -s /etc/shadow x; cat x; rm x`.
#include <catch2/catch.hpp>

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "realpath_support.h"
#include "test_paths.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using namespace vigil::test;

namespace {

constexpr uint64_t kSecond = 1'000'000'000;

struct WatchedDir {
  std::string root = canonical(temp_dir());
  std::string watched = root + "/shadow";
  WatchedDir() { write_file(watched, "root:x"); }
};

}  // namespace

TEST_CASE("A watched file opened through a symlink removed right away is named by its watched path") {
  WatchedDir d;
  LiveOpener o(d.root);
  REQUIRE(o.inspector().watch_path(d.watched).ok());
  const std::string link = d.root + "/x";
  REQUIRE(::symlink(d.watched.c_str(), link.c_str()) == 0);
  const Identity id = identity(link);
  REQUIRE(::unlink(link.c_str()) == 0);  // gone before anyone looks
  CHECK(o.realpath(link, id) == d.watched);
  CHECK(o.inspector().stats().realpath_pinned_hits == 1);
  CHECK(o.inspector().stats().realpath_lookups == 0);  // no filesystem lookup was needed
}

TEST_CASE("Without watch_path the same quick symlink read falls back to the name it was opened by") {
  WatchedDir d;
  LiveOpener o(d.root);
  const std::string link = d.root + "/x";
  REQUIRE(::symlink(d.watched.c_str(), link.c_str()) == 0);
  const Identity id = identity(link);
  REQUIRE(::unlink(link.c_str()) == 0);
  CHECK(o.realpath(link, id) == link);
  CHECK(o.inspector().stats().realpath_pinned_hits == 0);
}

TEST_CASE("A hard link of a watched file is named by the watched path even while the link exists") {
  WatchedDir d;
  LiveOpener o(d.root);
  REQUIRE(o.inspector().watch_path(d.watched).ok());
  const std::string hard = d.root + "/innocent";
  REQUIRE(::link(d.watched.c_str(), hard.c_str()) == 0);
  CHECK(o.realpath(hard, identity(hard)) == d.watched);
  CHECK(o.realpath("/proc/self/root" + hard, identity(hard)) == d.watched);
}

TEST_CASE("A watched path reached through a symlink is reported with its symlinks resolved") {
  WatchedDir d;
  const std::string alias = d.root + "/alias";
  REQUIRE(::symlink(d.watched.c_str(), alias.c_str()) == 0);
  LiveOpener o(d.root);
  REQUIRE(o.inspector().watch_path(alias).ok());
  CHECK(o.realpath(d.root + "/gone", identity(d.watched)) == d.watched);
}

TEST_CASE("A watched file replaced by a rename over it is recognised by its new inode and not its old one") {
  WatchedDir d;
  LiveOpener o(d.root);
  REQUIRE(o.inspector().watch_path(d.watched).ok());
  const Identity old_id = identity(d.watched);
  const std::string fresh = d.root + "/nshadow";
  write_file(fresh, "root:y");
  REQUIRE(::rename(fresh.c_str(), d.watched.c_str()) == 0);  // what passwd does
  const Identity new_id = identity(d.watched);
  REQUIRE(new_id.ino != old_id.ino);
  CHECK(o.realpath(d.root + "/x", new_id, kSecond) == d.watched);
  CHECK(o.inspector().stats().watched_path_changes == 1);
  // An open of the old file processed late (not after the replacement was noticed) still counts;
  // a later one does not: that inode number may be anyone's by then.
  CHECK(o.realpath(d.root + "/y", old_id, kSecond) == d.watched);
  CHECK(o.realpath(d.root + "/z", old_id, 2 * kSecond) == d.root + "/z");
}

TEST_CASE("A watched path created after watch_path is recognised once it exists") {
  WatchedDir d;
  LiveOpener o(d.root);
  const std::string later = d.root + "/later";
  REQUIRE(o.inspector().watch_path(later).ok());
  write_file(later, "new");
  CHECK(o.realpath(d.root + "/x", identity(later)) == later);
}

TEST_CASE("A watched file whose directory is moved away and recreated is recognised in the new directory") {
  WatchedDir d;
  const std::string dir = d.root + "/etc", file = dir + "/shadow";
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  write_file(file, "one");
  LiveOpener o(d.root);
  REQUIRE(o.inspector().watch_path(file).ok());
  REQUIRE(::rename(dir.c_str(), (d.root + "/etc.old").c_str()) == 0);
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  write_file(file, "two");
  CHECK(o.realpath(d.root + "/x", identity(file)) == file);
}

TEST_CASE("A replacement the directory watch cannot see is found by the periodic re-check of every path") {
  WatchedDir d;
  const std::string target_a = d.root + "/a", target_b = d.root + "/b", dirlink = d.root + "/cur";
  REQUIRE(::mkdir(target_a.c_str(), 0700) == 0);
  REQUIRE(::mkdir(target_b.c_str(), 0700) == 0);
  write_file(target_a + "/f", "a");
  write_file(target_b + "/f", "b");
  REQUIRE(::symlink("a", dirlink.c_str()) == 0);
  LiveOpener o(d.root);
  REQUIRE(o.inspector().watch_path(dirlink + "/f").ok());
  CHECK(o.realpath(d.root + "/x", identity(target_a + "/f"), kSecond) == target_a + "/f");
  // Retarget the directory symlink: nothing in a/ or b/ changes, so no watch reports it.
  REQUIRE(::unlink(dirlink.c_str()) == 0);
  REQUIRE(::symlink("b", dirlink.c_str()) == 0);
  CHECK(o.realpath(d.root + "/y", identity(target_b + "/f"), 2 * kSecond) == d.root + "/y");
  CHECK(o.realpath(d.root + "/z", identity(target_b + "/f"), 13 * kSecond) == target_b + "/f");
}

TEST_CASE("watch_path refuses paths beyond max_watched_paths and counts them") {
  WatchedDir d;
  inspect::InspectorOptions opts;
  opts.max_watched_paths = 2;
  LiveOpener o(d.root, opts);
  CHECK(o.inspector().watch_path(d.root + "/one").ok());
  CHECK(o.inspector().watch_path(d.watched).ok());
  CHECK(o.inspector().watch_path(d.watched).ok());  // known already: no new entry
  const Status refused = o.inspector().watch_path(d.root + "/three");
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().to_string(), Catch::Contains("max_watched_paths"));
  CHECK(o.inspector().stats().watched_paths_refused == 1);
  CHECK(o.realpath(d.root + "/x", identity(d.watched)) == d.watched);  // the kept ones still work
}

TEST_CASE("watch_path refuses a relative path") {
  inspect::Inspector inspector;
  const Status s = inspector.watch_path("etc/shadow");
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error().to_string(), Catch::Contains("not absolute"));
}

TEST_CASE("Watched paths do not change fd.realpath when replaying a recording") {
  WatchedDir d;
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(this_process(d.root)).ok());
  REQUIRE(inspector.watch_path(d.watched).ok());
  TestEvent ev = open_event(getpid(), 5, d.root + "/x", identity(d.watched));
  const auto& ctx = inspector.process(ev.view());
  CHECK(field_text(inspector, ctx, "fd.realpath") == d.root + "/x");
  CHECK(inspector.stats().realpath_pinned_hits == 0);
}

TEST_CASE("Two inspectors keep separate watched paths") {
  WatchedDir d;
  LiveOpener watching(d.root), other(d.root);
  REQUIRE(watching.inspector().watch_path(d.watched).ok());
  CHECK(watching.realpath(d.root + "/x", identity(d.watched)) == d.watched);
  CHECK(other.realpath(d.root + "/x", identity(d.watched)) == d.root + "/x");
}

TEST_CASE("clear_watched_paths forgets every watched path and frees room for new ones") {
  WatchedDir d;
  inspect::InspectorOptions opts;
  opts.max_watched_paths = 1;
  LiveOpener o(d.root, opts);
  REQUIRE(o.inspector().watch_path(d.watched).ok());
  const std::string other = d.root + "/other";
  write_file(other, "o");
  CHECK_FALSE(o.inspector().watch_path(other).ok());
  o.inspector().clear_watched_paths();
  CHECK(o.realpath(d.root + "/x", identity(d.watched)) == d.root + "/x");
  REQUIRE(o.inspector().watch_path(other).ok());
  CHECK(o.realpath(d.root + "/y", identity(other)) == other);
}
