// A live capture written to a .scap file reads back byte for byte with vigil's reader, and a
// compatibility-mode file is decoded by sysdig 0.29.3.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "live_harness.h"
#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/capture/scap_writer.h"

using namespace vigil;
using namespace vigil::test;
using namespace vigil::capture;

namespace {

// Captures a small workload (a child running /bin/true, a temp file written and closed) and
// writes every event to `path`. Returns the events as captured, the child's pid and the file.
struct Captured {
  std::vector<CapturedEvent> events;
  CaptureMetadata metadata;
  pid_t child = 0;
  std::string file;
};

Captured capture_to(const std::string& path, WriteFormat format) {
  auto opts = test_options({"execve", "clone", "clone3", "openat", "write", "close"});
  opts.snapshot_proc = true;
  auto src = open_live(opts);
  auto writer = ScapWriter::create(path, WriterOptions{format, false});
  REQUIRE(writer.ok());
  REQUIRE((*writer)->write_metadata(src->metadata()).ok());

  Captured c;
  c.metadata = src->metadata();
  c.file = temp_dir() + "/round-trip.txt";
  c.child = fork();
  if (c.child == 0) {
    execl("/bin/true", "true", "x", nullptr);
    _exit(127);
  }
  REQUIRE(waitpid(c.child, nullptr, 0) == c.child);
  int fd = ::open(c.file.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, "round trip", 10) == 10);
  ::close(fd);
  emit_marker();
  c.events = collect_until_marker(*src, [&](const EventView& e) {
    REQUIRE((*writer)->write_event(e).ok());
    return true;
  });
  REQUIRE((*writer)->close().ok());
  REQUIRE(c.events.size() > 5);
  return c;
}

std::vector<std::string> run_lines(const std::string& cmd) {
  std::vector<std::string> lines;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) {
    std::string l(buf);
    if (!l.empty() && l.back() == '\n') l.pop_back();
    lines.push_back(l);
  }
  REQUIRE(pclose(p) == 0);
  return lines;
}

}  // namespace

TEST_CASE("a written live capture reads back identically with vigil's reader") {
  const std::string path = temp_dir() + "/live.scap";
  Captured c = capture_to(path, WriteFormat::Newest);
  auto reader = ScapReader::open(path, ReaderOptions{ReadMode::Raw});
  REQUIRE(reader.ok());
  CHECK((*reader)->metadata() == c.metadata);
  EventView e;
  size_t i = 0;
  NextStatus st;
  while ((st = (*reader)->next(e)) == NextStatus::Event) {
    REQUIRE(i < c.events.size());
    const auto& want = c.events[i].bytes;
    INFO("event " << i << " type " << e.type());
    CHECK(std::equal(want.begin(), want.end(), e.record().begin(), e.record().end()));
    CHECK(e.cpu() == c.events[i].cpu);
    i++;
  }
  CHECK(st == NextStatus::EndOfStream);
  CHECK(i == c.events.size());
}

TEST_CASE("a compatibility-mode live capture is decoded by sysdig 0.29.3") {
  const std::string path = temp_dir() + "/live029.scap";
  Captured c = capture_to(path, WriteFormat::Sysdig029);
  const std::string filter = "\"proc.pid=" + std::to_string(c.child) + " and evt.dir=< and evt.type=execve\"";
  auto execs = run_lines("sysdig -r " + path + " -p '%proc.name %proc.exepath %proc.args %evt.res' " + filter +
                         " 2>/dev/null");
  REQUIRE(execs.size() == 1);
  CHECK(execs[0] == "true /bin/true x SUCCESS");
  const std::string fd_filter = "\"evt.type=write and fd.name=" + c.file + "\"";
  auto writes = run_lines("sysdig -r " + path + " -p '%fd.name %evt.rawres %proc.pid' " + fd_filter + " 2>/dev/null");
  REQUIRE(writes.size() == 1);
  CHECK(writes[0] == c.file + " 10 " + std::to_string(getpid()));
}
