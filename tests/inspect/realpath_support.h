// Shared by the fd.realpath tests: real files in a temporary directory, the device/inode an open
// event reports for them, and hand-built open events of this process.
#pragma once

#include <catch2/catch.hpp>

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <string_view>

#include "event_builder.h"
#include "test_paths.h"
#include "vigil/inspect/inspector.h"

namespace vigil::test {

// What an open exit event reports about the file it opened.
struct Identity {
  uint32_t dev = 0;
  uint64_t ino = 0;
};

// The file's identity in the driver's encoding (the kernel's new_encode_dev).
inline Identity identity(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  const uint32_t ma = major(st.st_dev), mi = minor(st.st_dev);
  return {(mi & 0xffu) | (ma << 8) | ((mi & ~0xffu) << 12), static_cast<uint64_t>(st.st_ino)};
}

inline std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  REQUIRE(::realpath(path.c_str(), buf) != nullptr);
  return buf;
}

inline void write_file(const std::string& path, const char* text) { std::ofstream(path) << text; }

// A directory tree where lexical normalization and the kernel disagree:
//   real/secret         the file
//   real/inner/         a directory
//   dirlink -> real/inner   so dirlink/../secret is real/secret (lexically: ./secret)
//   link -> real/secret
//   secret              a decoy where the lexical reading of dirlink/../secret points
struct RealPathTree {
  std::string root = canonical(temp_dir());
  std::string secret = root + "/real/secret";
  RealPathTree() {
    REQUIRE(::mkdir((root + "/real").c_str(), 0700) == 0);
    REQUIRE(::mkdir((root + "/real/inner").c_str(), 0700) == 0);
    write_file(secret, "s3cr3t");
    write_file(root + "/secret", "decoy");
    REQUIRE(::symlink((root + "/real/inner").c_str(), (root + "/dirlink").c_str()) == 0);
    REQUIRE(::symlink("real/secret", (root + "/link").c_str()) == 0);
  }
};

// This process as the events' thread (or `tid`, child of `ptid`), working in `cwd` below `root`.
inline capture::CaptureMetadata this_process(const std::string& cwd, int64_t tid = getpid(),
                                             int64_t ptid = getppid(), const std::string& root = "/") {
  capture::CaptureMetadata meta;
  capture::ThreadInfo me;
  me.tid = me.pid = tid;
  me.ptid = ptid;
  me.comm = me.exe = "vigil_inspect_tests";
  me.cwd = cwd;
  me.root = root;
  meta.threads = {me};
  return meta;
}

// An openat exit of `name` (relative to the cwd) for reading, as fd `fd`, reporting `id`, at
// event time `ts`.
inline TestEvent open_event(int64_t tid, int64_t fd, std::string_view name, Identity id,
                            uint64_t ts = 1'000'000'000) {
  TestEvent ev("openat", capture::Direction::Exit, tid, ts);
  ev.set("fd", enc_i64(fd)).set("dirfd", enc_i64(-100)).set("name", enc_str(name)).set("flags", enc_u32(1))
      .set("dev", enc_u32(id.dev)).set("ino", enc_u64(id.ino));
  return ev;
}

// The single text value of field `name` on `ctx`, or "<NA>".
inline std::string field_text(const inspect::Inspector& inspector, const inspect::EventContext& ctx,
                              std::string_view name) {
  auto f = inspector.fields().bind(name, std::nullopt);
  REQUIRE(f.ok());
  inspect::FieldValues v;
  if (!f.value()->extract(ctx, v)) return "<NA>";
  REQUIRE(v.size() == 1);
  return std::string(v[0].str);
}

// A live inspector of this process working in `cwd` below `root`, opening files by hand-built
// events, each on a new fd.
class LiveOpener {
 public:
  explicit LiveOpener(const std::string& cwd, const inspect::InspectorOptions& o = {}, const std::string& root = "/")
      : inspector_(o) {
    REQUIRE(inspector_.seed(this_process(cwd, getpid(), getppid(), root), inspect::StateOrigin::LiveHost).ok());
  }
  // fd.realpath of `name` opened at event time `ts`, the open reporting `id`.
  std::string realpath(std::string_view name, Identity id, uint64_t ts = 1'000'000'000) {
    TestEvent ev = open_event(getpid(), next_fd_++, name, id, ts);
    const auto& ctx = inspector_.process(ev.view(++num_));
    return field_text(inspector_, ctx, "fd.realpath");
  }
  inspect::Inspector& inspector() { return inspector_; }
  const inspect::InspectorStats& stats() const { return inspector_.stats(); }

 private:
  inspect::Inspector inspector_;
  int64_t next_fd_ = 100;
  uint64_t num_ = 0;
};

}  // namespace vigil::test
