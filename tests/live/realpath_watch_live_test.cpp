// Inspector::watch_path() on the real driver: `ln -s FILE x; cat x; rm x` and a hard link of a
// watched file are named by the watched path (the symlink is gone before the event is looked
// at), a watched file replaced by `mv` is still recognised, and an inspector that watches
// nothing keeps today's answers for the very same events.
#include <limits.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "inspect_harness.h"
#include "test_paths.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using namespace vigil::test;

namespace {

constexpr uint16_t kOpenatX = 307;

std::string canonical_temp_dir() {
  char buf[PATH_MAX];
  REQUIRE(::realpath(temp_dir().c_str(), buf) != nullptr);
  return buf;
}

// (dev in the kernel's new_encode_dev, as the driver reports it; inode) from stat().
std::pair<uint32_t, uint64_t> stat_identity(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  const uint32_t ma = major(st.st_dev), mi = minor(st.st_dev);
  return {(mi & 0xffu) | (ma << 8) | ((mi & ~0xffu) << 12), static_cast<uint64_t>(st.st_ino)};
}

void sh(const std::string& script) { REQUIRE(std::system(("set -e; " + script).c_str()) == 0); }

// What one successful openat of a path reported, and fd.realpath in each inspector.
struct Open {
  uint32_t dev = 0;
  uint64_t ino = 0;
  std::string watching, plain;  // fd.realpath
};

// Feeds every event up to the marker through both inspectors; the successful openat events of
// the given paths (as opened) are kept, by path.
std::map<std::string, Open> opens_until_marker(capture::LiveSource& src, inspect::Inspector& watching,
                                               inspect::Inspector& plain, const std::vector<std::string>& paths) {
  std::map<std::string, Open> out;
  auto real_w = watching.fields().bind("fd.realpath", std::nullopt);
  auto real_p = plain.fields().bind("fd.realpath", std::nullopt);
  REQUIRE(real_w.ok());
  REQUIRE(real_p.ok());
  const std::string marker = marker_path();
  capture::EventView e;
  inspect::FieldValues v;
  for (int timeouts = 0; timeouts < 50;) {
    const capture::NextStatus st = src.next(e);
    if (st == capture::NextStatus::Timeout) {
      timeouts++;
      continue;
    }
    REQUIRE(st == capture::NextStatus::Event);
    const bool wanted = e.type() == kOpenatX && e.param("fd").as_i64() >= 0 &&
                        std::find(paths.begin(), paths.end(), e.param("name").as_string()) != paths.end();
    const inspect::EventContext& cw = watching.process(e);
    Open o;
    if (wanted) {
      REQUIRE(real_w.value()->extract(cw, v));
      o = {e.param("dev").as_u32(), e.param("ino").as_u64(), std::string(v[0].str), {}};
    }
    const inspect::EventContext& cp = plain.process(e);
    if (wanted) {
      REQUIRE(real_p.value()->extract(cp, v));
      o.plain = std::string(v[0].str);
      out[std::string(e.param("name").as_string())] = o;
    }
    if (e.type() == kOpenatX && e.param("name").as_string() == marker) return out;
  }
  FAIL("the marker event never arrived");
  return out;
}

// An overlayfs mount whose lower layer is on the temporary directory's filesystem and whose
// upper layer is on tmpfs: stat() reports a per-layer device for a lower file there, not the
// overlay's, which is what the driver reports. Unmounted when done.
struct MixedOverlay {
  std::string merged;
  std::string upper_root;
  explicit MixedOverlay(const std::string& dir) : merged(dir + "/merged") {
    char tmpl[] = "/dev/shm/vigil-ovl-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    upper_root = tmpl;
    for (const std::string& d : {dir + "/lower", upper_root + "/upper", upper_root + "/work", merged})
      REQUIRE(::mkdir(d.c_str(), 0700) == 0);
    std::ofstream(dir + "/lower/f") << "lower";
    const std::string opts = "lowerdir=" + dir + "/lower,upperdir=" + upper_root + "/upper,workdir=" + upper_root + "/work";
    REQUIRE(::mount("overlay", merged.c_str(), "overlay", 0, opts.c_str()) == 0);
  }
  ~MixedOverlay() {
    ::umount2(merged.c_str(), MNT_DETACH);
    std::system(("rm -rf " + upper_root).c_str());
  }
};

}  // namespace

TEST_CASE("Quick symlink reads and hard links of watched files are named by the watched path on the real driver") {
  const std::string dir = canonical_temp_dir();
  const std::string secret = dir + "/secret", plain_file = dir + "/plain";
  std::ofstream(secret) << "s3cr3t";
  std::ofstream(plain_file) << "hello";
  const std::string x1 = dir + "/x1", x2 = dir + "/x2", x3 = dir + "/x3", hard = dir + "/hard";

  auto src = open_live(inspected_options({"openat"}));
  inspect::Inspector watching, plain;
  REQUIRE(watching.seed(src->metadata(), inspect::StateOrigin::LiveHost).ok());
  REQUIRE(plain.seed(src->metadata(), inspect::StateOrigin::LiveHost).ok());
  REQUIRE(watching.watch_path(secret).ok());
  REQUIRE(watching.watch_path("/etc/shadow").ok());

  sh("ln -s " + secret + " " + x1 + "; cat " + x1 + " >/dev/null; rm " + x1);
  sh("ln -s /etc/shadow " + x2 + "; cat " + x2 + " >/dev/null; rm " + x2);  // read-only, as root
  sh("ln " + secret + " " + hard + "; cat " + hard + " >/dev/null");
  sh("ln -s " + plain_file + " " + x3 + "; cat " + x3 + " >/dev/null; rm " + x3 + "; cat " + plain_file + " >/dev/null");
  emit_marker();

  auto opens = opens_until_marker(*src, watching, plain, {x1, x2, x3, hard, plain_file});
  REQUIRE(opens.size() == 5);

  // The driver's dev/ino are stat()'s, in new_encode_dev: what watch_path pins.
  CHECK(std::make_pair(opens[x1].dev, opens[x1].ino) == stat_identity(secret));
  CHECK(std::make_pair(opens[x2].dev, opens[x2].ino) == stat_identity("/etc/shadow"));
  CHECK(std::make_pair(opens[hard].dev, opens[hard].ino) == stat_identity(secret));

  CHECK(opens[x1].watching == secret);
  CHECK(opens[x2].watching == "/etc/shadow");
  CHECK(opens[hard].watching == secret);
  // Without watch_path the symlinks are gone when looked at: fd.name, the bypass watch_path
  // closes; the hard link is a file of its own name.
  CHECK(opens[x1].plain == x1);
  CHECK(opens[x2].plain == x2);
  CHECK(opens[hard].plain == hard);
  // Unwatched files: the same answers in both inspectors.
  CHECK(opens[x3].watching == x3);
  CHECK(opens[x3].plain == x3);
  CHECK(opens[plain_file].watching == plain_file);
  CHECK(opens[plain_file].plain == plain_file);
  CHECK(watching.stats().realpath_pinned_hits == 3);
  CHECK(plain.stats().realpath_pinned_hits == 0);
}

TEST_CASE("A watched file replaced by mv over it is still named by the watched path on the real driver") {
  const std::string dir = canonical_temp_dir();
  const std::string secret = dir + "/shadow", x = dir + "/x";
  std::ofstream(secret) << "old";
  const auto before = stat_identity(secret);

  auto src = open_live(inspected_options({"openat", "rename", "renameat", "renameat2"}));
  inspect::Inspector watching, plain;
  REQUIRE(watching.seed(src->metadata(), inspect::StateOrigin::LiveHost).ok());
  REQUIRE(plain.seed(src->metadata(), inspect::StateOrigin::LiveHost).ok());
  REQUIRE(watching.watch_path(secret).ok());

  // What passwd does: write a new file next to it, rename it over the watched one.
  sh("printf new > " + dir + "/nshadow; mv " + dir + "/nshadow " + secret);
  REQUIRE(stat_identity(secret) != before);
  sh("ln -s " + secret + " " + x + "; cat " + x + " >/dev/null; rm " + x);
  emit_marker();

  auto opens = opens_until_marker(*src, watching, plain, {x});
  REQUIRE(opens.size() == 1);
  CHECK(std::make_pair(opens[x].dev, opens[x].ino) == stat_identity(secret));
  CHECK(opens[x].watching == secret);
  CHECK(opens[x].plain == x);
  CHECK(watching.stats().watched_path_changes == 1);
}

TEST_CASE("Files of an overlayfs layer are recognised by the device the driver reports, not stat's") {
  const std::string dir = canonical_temp_dir();
  MixedOverlay ovl(dir);
  const std::string file = ovl.merged + "/f", x = dir + "/x";

  auto src = open_live(inspected_options({"openat"}));
  inspect::Inspector watching, plain;
  REQUIRE(watching.seed(src->metadata(), inspect::StateOrigin::LiveHost).ok());
  REQUIRE(plain.seed(src->metadata(), inspect::StateOrigin::LiveHost).ok());
  REQUIRE(watching.watch_path(file).ok());
  const std::string y = dir + "/y", z = dir + "/z", lower = dir + "/lower/f";
  sh("ln -s " + file + " " + x + "; cat " + x + " >/dev/null; rm " + x);
  // Symlinks that stay, read by this process, which stays too: /proc/<tid>/root is there for
  // the lookup of an unwatched file.
  REQUIRE(::symlink(file.c_str(), y.c_str()) == 0);
  REQUIRE(::symlink(lower.c_str(), z.c_str()) == 0);
  for (const std::string& p : {y, z}) std::ifstream(p).get();
  emit_marker();

  auto opens = opens_until_marker(*src, watching, plain, {x, y, z});
  REQUIRE(opens.size() == 3);
  CHECK(opens[z].plain == lower);  // stat() and the driver agree on the lower filesystem
  // Unwatched, the lookup proves the path by the driver's device too.
  CHECK(opens[y].plain == file);
  CHECK(opens[y].watching == file);
  INFO("driver dev " << opens[x].dev << " ino " << opens[x].ino << ", stat dev " << stat_identity(file).first
                     << " ino " << stat_identity(file).second);
  CHECK(opens[x].dev != stat_identity(file).first);  // the case this test is about
  CHECK(opens[x].watching == file);
  CHECK(opens[x].plain == x);
}
