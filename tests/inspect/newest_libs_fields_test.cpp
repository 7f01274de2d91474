// Fields sysdig 0.29.3 does not know (so the differential test cannot cover them), checked
// against the newest libs' definitions: fd.ino, proc.cmdnargs, fd.dev.major/minor decoding.
#include <catch2/catch.hpp>

#include <charconv>
#include <cstdio>

#include "event_builder.h"
#include "inspector_test_support.h"
#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/inspect/formatter.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using capture::Direction;
using test::enc_i64;
using test::enc_list;
using test::enc_str;
using test::enc_u32;
using test::enc_u64;
using test::TestEvent;

namespace {

capture::CaptureMetadata shell() { return test::machine_of({test::process_thread(100, "bash", "/")}); }

}  // namespace

TEST_CASE("fd.ino of a pipe is the inode its name carries, on every event of sample.scap") {
  auto reader = capture::ScapReader::open(test::capture_path("sample.scap"), {capture::ReadMode::Normalized});
  REQUIRE(reader.ok());
  inspect::Inspector inspector;
  REQUIRE(inspector.seed((*reader)->metadata()).ok());
  auto name = inspector.fields().bind("fd.name", std::nullopt);
  auto ino = inspector.fields().bind("fd.ino", std::nullopt);
  REQUIRE(name.ok());
  REQUIRE(ino.ok());
  inspect::FieldValues n, i;
  capture::EventView ev;
  size_t pipes = 0;
  while ((*reader)->next(ev) == capture::NextStatus::Event) {
    const auto& ctx = inspector.process(ev);
    if (!name.value()->extract(ctx, n) || !n[0].str.starts_with("pipe:[")) continue;
    REQUIRE(ino.value()->extract(ctx, i));
    const std::string_view digits = n[0].str.substr(6, n[0].str.size() - 7);
    int64_t want = -1;
    std::from_chars(digits.data(), digits.data() + digits.size(), want);
    INFO("event " << ev.num() << " " << n[0].str);
    CHECK(i[0].i64 == want);
    ++pipes;
  }
  CHECK(pipes >= 2);
}

TEST_CASE("fd.ino and fd.dev come from the open event; major and minor decode new_encode_dev") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(shell()).ok());
  // 259:65541 (an nvme partition with a large minor), encoded as the driver does.
  const uint32_t major_no = 259, minor_no = 65541;
  const uint32_t dev = (minor_no & 0xff) | (major_no << 8) | ((minor_no & ~0xffu) << 12);
  TestEvent open("openat", Direction::Exit, 100);
  open.set("fd", enc_i64(3)).set("dirfd", enc_i64(-100)).set("name", enc_str("/etc/passwd")).set("flags", enc_u32(1))
      .set("dev", enc_u32(dev)).set("ino", enc_u64(1234567));
  const auto& ctx = inspector.process(open.view(1));
  char hex[16];
  std::snprintf(hex, sizeof hex, "%X", dev);
  CHECK(test::render(inspector, ctx, "%fd.ino %fd.dev %fd.dev.major %fd.dev.minor") ==
        "1234567 " + std::string(hex) + " 259 65541");
}

TEST_CASE("proc.cmdnargs counts the arguments, not the words") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(shell()).ok());
  TestEvent exec("execve", Direction::Exit, 100);
  exec.set("res", enc_i64(0)).set("exe", enc_str("grep")).set("args", enc_list({"-e", "two words", "/etc/hosts"}))
      .set("pid", enc_i64(100)).set("ptid", enc_i64(1)).set("comm", enc_str("grep"));
  const auto& ctx = inspector.process(exec.view(1));
  CHECK(test::render(inspector, ctx, "%proc.cmdnargs %proc.cmdlenargs") == "3 21");
}
