#include <catch2/catch.hpp>

#include "event_builder.h"
#include "vigil/inspect/formatter.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;

namespace {

capture::CaptureMetadata three_generations() {
  capture::CaptureMetadata meta;
  auto add = [&](int64_t pid, int64_t ppid, const char* comm) {
    capture::ThreadInfo t;
    t.tid = t.pid = pid;
    t.ptid = ppid;
    t.comm = t.exe = comm;
    t.cwd = "/";
    meta.threads.push_back(t);
  };
  add(1, 0, "systemd");
  add(50, 1, "sshd");
  add(60, 50, "bash");
  add(70, 60, "curl");
  return meta;
}

}  // namespace

TEST_CASE("format strings fail to compile with the column of a bad field") {
  auto reg = inspect::make_syscall_field_registry();
  auto bad = inspect::Formatter::compile("%evt.num %proc.nmae", *reg);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().column == 11);
  CHECK_THAT(bad.error().message, Catch::Contains("proc.nmae"));
  auto open = inspect::Formatter::compile("%proc.aname[2", *reg);
  REQUIRE_FALSE(open.ok());
  CHECK_THAT(open.error().message, Catch::Contains("unterminated"));
  auto ok = inspect::Formatter::compile("100%% %proc.name. (%evt.type.is.open)", *reg);
  REQUIRE(ok.ok());
  CHECK(ok->field_count() == 2);
}

TEST_CASE("ancestor fields give one level with an argument and every ancestor without") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(three_generations()).ok());
  test::TestEvent ev("close", capture::Direction::Exit, 70);
  ev.set("res", test::enc_i64(0)).set("fd", test::enc_i64(3));
  const auto& ctx = inspector.process(ev.view(1));
  auto fmt = inspect::Formatter::compile(
      "%proc.aname[0]|%proc.aname[1]|%proc.aname[3]|%proc.aname[4]|%proc.aname|%proc.apid[2]|%evt.type.is.close|%evt.type.is.open",
      inspector.fields());
  REQUIRE(fmt.ok());
  std::string out;
  CHECK_FALSE(fmt->format(ctx, out));  // proc.aname[4] does not exist
  CHECK(out == "curl|bash|systemd|<NA>|(bash,sshd,systemd)|50|1|0");
  auto list = inspector.fields().bind("proc.aname", std::nullopt);
  inspect::FieldValues values;
  REQUIRE(list.value()->extract(ctx, values));
  REQUIRE(values.size() == 3);
  CHECK(values[2].str == "systemd");
}
