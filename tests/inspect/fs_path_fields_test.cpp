// fs.path.* on hand-built events: the same events, parameters and success rule as libsinsp's
// fs.path filtercheck (sysdig 0.29.3 predates these fields, so there is no capture to diff).
#include <catch2/catch.hpp>

#include "event_builder.h"
#include "realpath_support.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using namespace vigil::test;
using capture::Direction;

namespace {

constexpr int64_t kTid = 4242;

// A recording inspector with one thread working in /home/u.
class FsPaths {
 public:
  FsPaths() { REQUIRE(inspector_.seed(this_process("/home/u/", kTid, 1)).ok()); }
  // fs.path.name, .nameraw, .source, .sourceraw, .target, .targetraw of `ev`, space-separated.
  std::string fields(TestEvent& ev) {
    const auto& ctx = inspector_.process(ev.view(++num_));
    std::string out;
    for (const char* f : {"fs.path.name", "fs.path.nameraw", "fs.path.source", "fs.path.sourceraw", "fs.path.target",
                          "fs.path.targetraw"}) {
      if (!out.empty()) out += ' ';
      out += field_text(inspector_, ctx, f);
    }
    return out;
  }
  inspect::Inspector& inspector() { return inspector_; }

 private:
  inspect::Inspector inspector_;
  uint64_t num_ = 0;
};

TestEvent exit_event(std::string_view name) { return TestEvent(name, Direction::Exit, kTid); }

}  // namespace

TEST_CASE("fs.path.name of chmod, fchmodat and fchmod is the file whose mode changed") {
  FsPaths p;
  TestEvent chmod = exit_event("chmod");
  chmod.set("res", enc_i64(0)).set("filename", enc_str("bin/../run.sh")).set("mode", enc_u32(0755));
  CHECK(p.fields(chmod) == "/home/u/run.sh bin/../run.sh <NA> <NA> <NA> <NA>");

  // libsinsp joins a relative path to the working directory even when a dirfd is given.
  TestEvent fchmodat = exit_event("fchmodat");
  fchmodat.set("res", enc_i64(0)).set("dirfd", enc_i64(3)).set("filename", enc_str("x")).set("mode", enc_u32(0644));
  CHECK(p.fields(fchmodat) == "/home/u/x x <NA> <NA> <NA> <NA>");

  TestEvent open = open_event(kTid, 7, "/etc//passwd", Identity{1, 2});
  p.fields(open);
  TestEvent fchmod = exit_event("fchmod");
  fchmod.set("res", enc_i64(0)).set("fd", enc_i64(7)).set("mode", enc_u32(0600));
  CHECK(p.fields(fchmod) == "/etc/passwd /etc/passwd <NA> <NA> <NA> <NA>");

  TestEvent unknown_fd = exit_event("fchmod");
  unknown_fd.set("res", enc_i64(0)).set("fd", enc_i64(99)).set("mode", enc_u32(0600));
  CHECK(p.fields(unknown_fd) == "<NA> <NA> <NA> <NA> <NA> <NA>");
}

TEST_CASE("fs.path.* has no value when the call failed") {
  FsPaths p;
  TestEvent chmod = exit_event("chmod");
  chmod.set("res", enc_i64(-13)).set("filename", enc_str("/etc/shadow")).set("mode", enc_u32(0777));
  CHECK(p.fields(chmod) == "<NA> <NA> <NA> <NA> <NA> <NA>");
  TestEvent rename = exit_event("rename");
  rename.set("res", enc_i64(-2)).set("oldpath", enc_str("/a")).set("newpath", enc_str("/b"));
  CHECK(p.fields(rename) == "<NA> <NA> <NA> <NA> <NA> <NA>");
}

TEST_CASE("fs.path.name of the open family follows libsinsp's fd != -1 test") {
  FsPaths p;
  TestEvent ok = open_event(kTid, 3, "notes.txt", Identity{1, 2});
  CHECK(p.fields(ok) == "/home/u/notes.txt notes.txt <NA> <NA> <NA> <NA>");
  TestEvent minus_one = open_event(kTid, -1, "/x", Identity{});
  CHECK(p.fields(minus_one) == "<NA> <NA> <NA> <NA> <NA> <NA>");
  TestEvent enoent = open_event(kTid, -2, "/missing", Identity{});  // -ENOENT passes the test
  CHECK(p.fields(enoent) == "/missing /missing <NA> <NA> <NA> <NA>");
  TestEvent creat = exit_event("creat");
  creat.set("fd", enc_i64(4)).set("name", enc_str("/tmp/c"));
  CHECK(p.fields(creat) == "<NA> <NA> <NA> <NA> <NA> <NA>");  // not one of libsinsp's events
}

TEST_CASE("fs.path.name covers mkdir, rmdir, unlink, chown, quotactl and umount") {
  FsPaths p;
  TestEvent mkdir = exit_event("mkdir");
  mkdir.set("res", enc_i64(0)).set("path", enc_str("d")).set("mode", enc_u32(0700));
  CHECK(p.fields(mkdir) == "/home/u/d d <NA> <NA> <NA> <NA>");
  TestEvent mkdirat = exit_event("mkdirat");
  mkdirat.set("res", enc_i64(0)).set("dirfd", enc_i64(-100)).set("path", enc_str("/srv/./d"));
  CHECK(p.fields(mkdirat) == "/srv/d /srv/./d <NA> <NA> <NA> <NA>");
  TestEvent rmdir = exit_event("rmdir");
  rmdir.set("res", enc_i64(0)).set("path", enc_str("/srv/d"));
  CHECK(p.fields(rmdir) == "/srv/d /srv/d <NA> <NA> <NA> <NA>");
  TestEvent unlinkat = exit_event("unlinkat");
  unlinkat.set("res", enc_i64(0)).set("dirfd", enc_i64(5)).set("name", enc_str("f")).set("flags", enc_u32(0));
  CHECK(p.fields(unlinkat) == "/home/u/f f <NA> <NA> <NA> <NA>");
  TestEvent fchownat = exit_event("fchownat");
  fchownat.set("res", enc_i64(0)).set("dirfd", enc_i64(-100)).set("pathname", enc_str("/etc/sudoers"));
  CHECK(p.fields(fchownat) == "/etc/sudoers /etc/sudoers <NA> <NA> <NA> <NA>");
  TestEvent lchown = exit_event("lchown");
  lchown.set("res", enc_i64(0)).set("path", enc_str("l"));
  CHECK(p.fields(lchown) == "/home/u/l l <NA> <NA> <NA> <NA>");
  TestEvent umount2 = exit_event("umount2");
  umount2.set("res", enc_i64(0)).set("name", enc_str("/mnt")).set("flags", enc_u32(0));
  CHECK(p.fields(umount2) == "/mnt /mnt <NA> <NA> <NA> <NA>");
  TestEvent quotactl = exit_event("quotactl");
  quotactl.set("res", enc_i64(0)).set("special", enc_str("/dev/sda1"));
  CHECK(p.fields(quotactl) == "/dev/sda1 /dev/sda1 <NA> <NA> <NA> <NA>");
  TestEvent mknod = exit_event("mknod");  // has a path but is not one of libsinsp's events
  mknod.set("res", enc_i64(0)).set("path", enc_str("/dev/x"));
  CHECK(p.fields(mknod) == "<NA> <NA> <NA> <NA> <NA> <NA>");
}

TEST_CASE("fs.path.source and target of rename, link, symlink and mount keep libsinsp's roles") {
  FsPaths p;
  TestEvent renameat2 = exit_event("renameat2");
  renameat2.set("res", enc_i64(0)).set("olddirfd", enc_i64(-100)).set("oldpath", enc_str("a"))
      .set("newdirfd", enc_i64(-100)).set("newpath", enc_str("/tmp/b"));
  CHECK(p.fields(renameat2) == "<NA> <NA> /home/u/a a /tmp/b /tmp/b");
  // link: the source is the new name, the target the file linked to.
  TestEvent linkat = exit_event("linkat");
  linkat.set("res", enc_i64(0)).set("olddir", enc_i64(-100)).set("oldpath", enc_str("/etc/shadow"))
      .set("newdir", enc_i64(-100)).set("newpath", enc_str("s"));
  CHECK(p.fields(linkat) == "<NA> <NA> /home/u/s s /etc/shadow /etc/shadow");
  TestEvent symlink = exit_event("symlink");
  symlink.set("res", enc_i64(0)).set("target", enc_str("../etc/shadow")).set("linkpath", enc_str("x"));
  CHECK(p.fields(symlink) == "<NA> <NA> /home/u/x x /home/etc/shadow ../etc/shadow");
  TestEvent mount = exit_event("mount");
  mount.set("res", enc_i64(0)).set("dev", enc_str("/dev/sdb1")).set("dir", enc_str("/mnt/")).set("type", enc_str("ext4"));
  CHECK(p.fields(mount) == "<NA> <NA> /dev/sdb1 /dev/sdb1 /mnt/ /mnt/");
}

TEST_CASE("fs.path.* has no value on enter events") {
  FsPaths p;
  TestEvent enter("openat", Direction::Enter, kTid);
  enter.set("dirfd", enc_i64(-100)).set("name", enc_str("/etc/shadow"));
  CHECK(p.fields(enter) == "<NA> <NA> <NA> <NA> <NA> <NA>");
}
