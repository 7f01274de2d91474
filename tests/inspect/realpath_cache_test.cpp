// fd.realpath's inspector-wide memory (InspectorOptions::realpath_cache_entries) and its two ways
// of resolving (openat2 or the component walk), on real files of a temporary directory opened by
// hand-built events of this process: a remembered path answers only while it still reaches the
// file, the memory stays within its bound, and both ways give the same answers.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "realpath_support.h"
#include "test_paths.h"
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

inspect::InspectorOptions options(size_t cache_entries, bool openat2 = true) {
  inspect::InspectorOptions o;
  o.realpath_cache_entries = cache_entries;
  o.realpath_openat2 = openat2;
  return o;
}

}  // namespace

TEST_CASE("a remembered path answers a later open of the same file as a lookup from scratch would") {
  RealPathTree tree;
  const Identity id = identity(tree.secret);
  LiveOpener cached(tree.root, options(4096));
  LiveOpener uncached(tree.root, options(0));
  for (const char* spelling : {"link", "dirlink/../secret", "real/secret", "real/inner/../secret"}) {
    INFO(spelling);
    CHECK(cached.realpath(spelling, id) == tree.secret);
    CHECK(uncached.realpath(spelling, id) == tree.secret);
  }
  // The first open resolved; the three after it were proven from the remembered path.
  CHECK(cached.stats().realpath_lookups == 1);
  CHECK(cached.stats().realpath_cache_hits == 3);
  CHECK(uncached.stats().realpath_lookups == 4);
  CHECK(uncached.stats().realpath_cache_hits == 0);
}

TEST_CASE("a remembered path that now reaches another file is not used, and is replaced") {
  RealPathTree tree;
  const std::string first = tree.root + "/a", moved = tree.root + "/c";
  for (bool openat2 : {true, false}) {
    INFO("openat2 " << openat2);
    write_file(first, "first");
    const Identity id = identity(first);
    LiveOpener opener(tree.root, options(4096, openat2));
    REQUIRE(opener.realpath("a", id) == first);
    // The file moves and a new file takes its old name: the remembered path "a" now reaches
    // another inode, as it would after the inode number of a deleted file was reused.
    REQUIRE(::rename(first.c_str(), moved.c_str()) == 0);
    write_file(first, "second");
    REQUIRE(identity(first).ino != id.ino);
    CHECK(opener.realpath("c", id) == moved);
    CHECK(opener.stats().realpath_cache_stale == 1);
    CHECK(opener.stats().realpath_cache_hits == 0);
    // Resolved again, the new path is the one remembered.
    CHECK(opener.realpath("c", id) == moved);
    CHECK(opener.stats().realpath_cache_hits == 1);
    REQUIRE(::unlink(moved.c_str()) == 0);
    REQUIRE(::unlink(first.c_str()) == 0);
  }
}

TEST_CASE("a remembered path that now goes through a symlink is not used") {
  RealPathTree tree;
  for (bool openat2 : {true, false}) {
    INFO("openat2 " << openat2);
    const std::string dir = tree.root + (openat2 ? "/k1" : "/k2");
    REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
    write_file(dir + "/f", "x");
    const Identity id = identity(dir + "/f");
    LiveOpener opener(tree.root, options(4096, openat2));
    REQUIRE(opener.realpath(dir + "/f", id) == dir + "/f");
    // The directory moves away and a symlink takes its name: "dir/f" still reaches the file,
    // but is no longer the path with every symlink resolved.
    REQUIRE(::rename(dir.c_str(), (dir + "-moved").c_str()) == 0);
    REQUIRE(::symlink((dir + "-moved").c_str(), dir.c_str()) == 0);
    CHECK(opener.realpath(dir + "/f", id) == dir + "-moved/f");
    CHECK(opener.stats().realpath_cache_stale == 1);
  }
}

TEST_CASE("a hard link is named by its other name when that name was resolved first") {
  RealPathTree tree;
  const std::string hard = tree.root + "/hard";
  REQUIRE(::link(tree.secret.c_str(), hard.c_str()) == 0);
  const Identity id = identity(tree.secret);
  for (bool openat2 : {true, false}) {
    INFO("openat2 " << openat2);
    LiveOpener remembering(tree.root, options(4096, openat2));
    CHECK(remembering.realpath("real/secret", id) == tree.secret);
    CHECK(remembering.realpath("hard", id) == tree.secret);
    LiveOpener other_first(tree.root, options(4096, openat2));
    CHECK(other_first.realpath("hard", id) == hard);
    CHECK(other_first.realpath("link", id) == hard);  // the symlink's target is a name of the same file
    LiveOpener forgetful(tree.root, options(0, openat2));
    CHECK(forgetful.realpath("real/secret", id) == tree.secret);
    CHECK(forgetful.realpath("hard", id) == hard);
  }
}

TEST_CASE("the memory of fd.realpath keeps at most the configured number of files") {
  RealPathTree tree;
  std::vector<std::string> files;
  for (int i = 0; i < 5; ++i) {
    files.push_back(tree.root + "/f" + std::to_string(i));
    write_file(files.back(), "x");
  }
  LiveOpener opener(tree.root, options(2));
  for (const auto& f : files) REQUIRE(opener.realpath(f, identity(f)) == f);
  CHECK(opener.stats().realpath_lookups == 5);
  CHECK(opener.stats().realpath_cache_evictions == 3);
  // The last one is still there; the first one was dropped and is resolved again.
  CHECK(opener.realpath(files[4], identity(files[4])) == files[4]);
  CHECK(opener.stats().realpath_cache_hits == 1);
  CHECK(opener.realpath(files[0], identity(files[0])) == files[0]);
  CHECK(opener.stats().realpath_cache_hits == 1);
  CHECK(opener.stats().realpath_lookups == 6);
  CHECK(opener.stats().realpath_cache_evictions == 4);
}

TEST_CASE("a path longer than an entry's limit is resolved but not remembered") {
  RealPathTree tree;
  std::string dir = tree.root;
  while (dir.size() <= 1100) {
    dir += "/" + std::string(200, 'd');
    REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  }
  const std::string file = dir + "/f";
  write_file(file, "x");
  LiveOpener opener(tree.root, options(16));
  CHECK(opener.realpath(file, identity(file)) == file);
  CHECK(opener.realpath(file, identity(file)) == file);
  CHECK(opener.stats().realpath_lookups == 2);
  CHECK(opener.stats().realpath_cache_hits == 0);
}

TEST_CASE("openat2 and the component walk resolve fd.realpath to the same paths") {
  RealPathTree tree;
  const Identity id = identity(tree.secret), decoy = identity(tree.root + "/secret");
  LiveOpener kernel(tree.root, options(0, true));
  LiveOpener walk(tree.root, options(0, false));
  for (const char* spelling : {"link", "dirlink/../secret", "real/secret", "real/inner/../secret", "./link",
                               "dirlink/../../link"}) {
    INFO(spelling);
    const std::string a = kernel.realpath(spelling, id), b = walk.realpath(spelling, id);
    CHECK(a == tree.secret);
    CHECK(a == b);
    // The wrong file reported: both fall back to fd.name.
    CHECK(kernel.realpath(spelling, decoy) == walk.realpath(spelling, decoy));
  }
  CHECK(kernel.realpath("no/such/file", id) == tree.root + "/no/such/file");
  CHECK(walk.realpath("no/such/file", id) == tree.root + "/no/such/file");
}

TEST_CASE("a thread whose root is below this process's root gets the path inside its root, both ways") {
  // A fake /proc where this process's root is the tree (as if chrooted there): the kernel names
  // the file from the real root, which is not a path inside the thread's root.
  RealPathTree tree;
  const std::string proc = canonical(test::temp_dir());
  const std::string pid_dir = proc + "/" + std::to_string(getpid());
  REQUIRE(::mkdir(pid_dir.c_str(), 0700) == 0);
  REQUIRE(::symlink(tree.root.c_str(), (pid_dir + "/root").c_str()) == 0);
  const Identity id = identity(tree.secret);
  for (bool openat2 : {true, false}) {
    INFO("openat2 " << openat2);
    inspect::InspectorOptions o = options(4096, openat2);
    o.proc_root = proc;
    LiveOpener chrooted("/", o, "/srv/jail");  // not "/": no fallback to this process's root
    CHECK(chrooted.realpath("/link", id) == "/real/secret");
    CHECK(chrooted.realpath("/real/inner/../secret", id) == "/real/secret");
    CHECK(chrooted.stats().realpath_cache_hits == 1);
  }
}
