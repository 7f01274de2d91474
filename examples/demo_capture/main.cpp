// vigil-demo-capture: writes the demo capture, a synthetic .scap of a made-up host ("demo-host")
// on which an attacker breaks in through a web server (demo_story.cpp). Nothing of the machine
// it runs on goes into the file, so the capture can be shipped, and the same program always
// writes the same bytes.
#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>

#include "demo_story.h"
#include "vigil/capture/scap_writer.h"

namespace {

constexpr std::string_view kUsage = R"(Usage: vigil-demo-capture [--sysdig-compat] [-z] FILE

Writes the demo capture to FILE: a synthetic capture of a made-up host, demo-host, where an
attacker gets a shell through the web server, opens a reverse shell, becomes root, reads
/etc/shadow, plants a cron job and wipes a log, and where someone opens a shell in a container.
Replay it through vigil's default rules with: vigil -e FILE

  --sysdig-compat   Write what sysdig 0.29.3 reads (2022 layouts, enter and exit events).
  -z, --compress    Gzip the file.
)";

int fail(const std::string& message) {
  std::fprintf(stderr, "vigil-demo-capture: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  vigil::capture::WriterOptions options;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage.data(), stdout);
      return 0;
    } else if (arg == "--sysdig-compat") {
      options.format = vigil::capture::WriteFormat::Sysdig029;
    } else if (arg == "-z" || arg == "--compress") {
      options.compress = true;
    } else if (!arg.starts_with('-') && path.empty()) {
      path = arg;
    } else {
      std::fputs(kUsage.data(), stderr);
      return 2;
    }
  }
  if (path.empty()) {
    std::fputs(kUsage.data(), stderr);
    return 2;
  }

  vigil::demo::DemoHost host(vigil::demo::demo_machine(), vigil::demo::kDemoStartNs);
  vigil::demo::play_demo_story(host);

  auto writer = vigil::capture::ScapWriter::create(path, options);
  if (!writer) return fail(writer.error().to_string());
  if (vigil::Status st = (*writer)->write_metadata(host.metadata()); !st.ok()) return fail(st.error().to_string());
  uint64_t num = 0;
  for (const vigil::demo::EncodedRecord& record : host.events()) {
    if (vigil::Status st = (*writer)->write_event(record.view(++num, host.cpu_of(record.tid()))); !st.ok())
      return fail(st.error().to_string());
  }
  if (vigil::Status st = (*writer)->close(); !st.ok()) return fail(st.error().to_string());
  const vigil::capture::ScapWriter& w = **writer;
  std::fprintf(stderr,
               "vigil-demo-capture: %s: %zu processes, %" PRIu64 " events written (%" PRIu64 " skipped, %" PRIu64
               " enter events restored)\n",
               path.c_str(), host.metadata().threads.size(), w.events_written(), w.events_skipped(),
               w.enter_events_added());
  return 0;
}
