// ScapWriter round trips over every shared capture (scap-format.md §19):
//
//  * Newest mode: reading a capture (Raw or Normalized) and writing every event gives a file
//    whose read in the same mode yields the same events - identical record bytes (ts, tid, len,
//    type, parameters), cpu and dump flags - and equal CaptureMetadata.
//  * Sysdig029 mode: `sysdig -r` (0.29.3) prints the written file like the original.
//      - From a Raw read: identical output, line for line (number, time, cpu, thread, type,
//        arguments). The ids >= 336 that are skipped were never numbered by sysdig.
//      - From a Normalized read, whose stream has lost most enter events (§15): every line that
//        is not a syscall enter event is identical, time included. Each enter event that the
//        original shows directly before its exit on the same thread comes back with the same
//        text except its time (it is restored with its exit's time, §19.3). Two legitimate
//        differences remain: enter events whose exit is not in the capture (a thread that exits,
//        a call still blocked when the capture ended) are gone, and exits that had no enter
//        event in the original (the capture started mid-call) get one restored with the
//        converter's default values. evt.num differs accordingly, so it is not compared.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "scap_writer_test_support.h"
#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/capture/scap_writer.h"

using namespace vigil::capture;
using namespace vigil::test;

namespace {

// curl_google_comments.scap carries SHB options, which sysdig 0.29.3 cannot read (§4).
const std::string kUnreadableBySysdig = "curl_google_comments.scap";

std::vector<std::string> all_captures() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(capture_path("")))
    if (entry.path().extension() == ".scap") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct StoredEvent {
  std::vector<uint8_t> record;
  uint16_t cpu;
  uint32_t dump_flags;
  bool operator==(const StoredEvent&) const = default;
};

struct ReadResult {
  std::vector<StoredEvent> events;
  CaptureMetadata metadata;
  SourceStats stats;
};

ReadResult read_capture(const std::string& path, ReadMode mode) {
  auto reader = ScapReader::open(path, ReaderOptions{mode});
  INFO(path);
  REQUIRE(reader.ok());
  ReadResult out;
  out.metadata = (*reader)->metadata();
  EventView ev;
  NextStatus st;
  while ((st = (*reader)->next(ev)) == NextStatus::Event) {
    const auto rec = ev.record();
    out.events.push_back(StoredEvent{{rec.begin(), rec.end()}, ev.cpu(), ev.dump_flags()});
  }
  INFO((st == NextStatus::Failed ? (*reader)->error().to_string() : std::string("")));
  REQUIRE(st == NextStatus::EndOfStream);
  out.stats = (*reader)->stats();
  return out;
}

struct WriteCounts {
  uint64_t written = 0;
  uint64_t skipped = 0;
  uint64_t enters_added = 0;
  uint64_t read = 0;
};

// Reads `in` in `mode` and writes everything it delivers to `out`.
WriteCounts copy_capture(const std::string& in, ReadMode mode, const std::string& out, WriterOptions options) {
  auto reader = ScapReader::open(in, ReaderOptions{mode});
  REQUIRE(reader.ok());
  auto writer = ScapWriter::create(out, options);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->write_metadata((*reader)->metadata()).ok());
  WriteCounts counts;
  EventView ev;
  NextStatus st;
  while ((st = (*reader)->next(ev)) == NextStatus::Event) {
    ++counts.read;
    REQUIRE((*writer)->write_event(ev).ok());
  }
  REQUIRE(st == NextStatus::EndOfStream);
  REQUIRE((*writer)->close().ok());
  counts.written = (*writer)->events_written();
  counts.skipped = (*writer)->events_skipped();
  counts.enters_added = (*writer)->enter_events_added();
  return counts;
}

std::vector<std::string> sysdig_lines(const std::string& path) {
  const CommandOutput out = run_sysdig("-r " + path);
  INFO(path);
  REQUIRE(out.status == 0);
  return out.lines;
}

// A `sysdig -r` line split into its columns; `ok` is false for continuation lines (a container
// JSON with a newline in it).
struct ShownEvent {
  bool ok = false;
  std::string time, cpu, proc, tid, dir, type, rest, line;
};

ShownEvent parse_line(const std::string& line) {
  ShownEvent e;
  e.line = line;
  std::istringstream in(line);
  std::string num;
  if (!(in >> num >> e.time >> e.cpu >> e.proc >> e.tid >> e.dir >> e.type)) return e;
  if (e.dir != ">" && e.dir != "<") return e;
  std::getline(in, e.rest);
  e.ok = true;
  return e;
}

bool is_syscall_name(const std::string& type) {
  // Metaevents are single enter events (§14); everything else with a '>' is a syscall enter,
  // including generic events, which sysdig shows under their own syscall name.
  static const std::set<std::string> kMeta = {"switch", "procexit", "signaldeliver", "container", "procinfo",
                                              "notification", "infra", "page_fault", "cpu_hotplug",
                                              "pluginevent", "k8s", "mesos", "tracer", "drop", "sysdigevent"};
  return kMeta.count(type) == 0;
}

// sysdig output split into (a) every line but syscall enter events, without evt.num, and (b) for
// each exit in (a), the enter event shown directly before it on the same thread, without time.
struct PairedOutput {
  std::vector<std::string> others;
  std::map<size_t, std::string> enter_of_exit;
  size_t unpaired_enters = 0;
};

PairedOutput pair_events(const std::vector<std::string>& lines) {
  PairedOutput out;
  std::map<std::string, ShownEvent> pending;  // by tid
  for (const std::string& line : lines) {
    ShownEvent e = parse_line(line);
    if (!e.ok) {
      out.others.push_back(line);
      continue;
    }
    if (e.dir == ">" && is_syscall_name(e.type)) {
      if (pending.count(e.tid)) ++out.unpaired_enters;
      pending[e.tid] = e;
      continue;
    }
    if (e.dir == "<") {
      auto it = pending.find(e.tid);
      if (it != pending.end()) {
        if (it->second.type == e.type) {
          out.enter_of_exit[out.others.size()] = it->second.cpu + " " + it->second.proc + " " + it->second.tid + " " +
                                                 it->second.type + it->second.rest;
        } else {
          ++out.unpaired_enters;
        }
        pending.erase(it);
      }
    }
    out.others.push_back(line.substr(line.find(' ') + 1));
  }
  out.unpaired_enters += pending.size();
  return out;
}

}  // namespace

TEST_CASE("every capture read raw and written in the newest format reads back raw with identical records and metadata") {
  const std::string dir = temp_dir();
  bool compress = false;
  for (const std::string& name : all_captures()) {
    INFO(name);
    const std::string out = dir + "/" + name;
    compress = !compress;  // alternate, so both forms are covered
    const WriteCounts counts = copy_capture(capture_path(name), ReadMode::Raw, out, WriterOptions{WriteFormat::Newest, compress});
    const ReadResult original = read_capture(capture_path(name), ReadMode::Raw);
    const ReadResult copy = read_capture(out, ReadMode::Raw);
    CHECK(counts.written == original.events.size());
    REQUIRE(copy.events.size() == original.events.size());
    CHECK(copy.events == original.events);
    CHECK(copy.metadata == original.metadata);
    CHECK(copy.stats.skipped_unknown == 0);
  }
}

TEST_CASE("every capture read normalized and written in the newest format reads back normalized to the same events") {
  const std::string dir = temp_dir();
  for (const std::string& name : all_captures()) {
    INFO(name);
    const std::string out = dir + "/" + name;
    copy_capture(capture_path(name), ReadMode::Normalized, out, WriterOptions{WriteFormat::Newest, true});
    const ReadResult original = read_capture(capture_path(name), ReadMode::Normalized);
    const ReadResult copy = read_capture(out, ReadMode::Normalized);
    REQUIRE(copy.events.size() == original.events.size());
    CHECK(copy.events == original.events);
    CHECK(copy.metadata == original.metadata);
  }
}

TEST_CASE("sysdig 0.29.3 prints every capture read raw and written in Sysdig029 mode exactly like the original") {
  const std::string dir = temp_dir();
  uint64_t total_lines = 0;
  for (const std::string& name : all_captures()) {
    if (name == kUnreadableBySysdig) continue;
    INFO(name);
    const std::string out = dir + "/" + name;
    WriterOptions options{WriteFormat::Sysdig029, true, EnterRestore::NewerLayoutsOnly};
    const WriteCounts counts = copy_capture(capture_path(name), ReadMode::Raw, out, options);
    CHECK(counts.enters_added == 0);  // the raw stream has its enter events
    CHECK(counts.written + counts.skipped == counts.read);
    if (name == "sample.scap") CHECK(counts.skipped == 95);  // useradded/groupadded (354/358)
    const auto original = sysdig_lines(capture_path(name));
    const auto copy = sysdig_lines(out);
    CHECK(copy == original);
    total_lines += copy.size();
    // Proper enter/exit pairs: the newest libs' converter reads the file without failing (§15).
    read_capture(out, ReadMode::Normalized);
  }
  CHECK(total_lines > 700);  // the comparison covered real output
}

TEST_CASE("sysdig 0.29.3 prints every capture read normalized and written in Sysdig029 mode like the original") {
  const std::string dir = temp_dir();
  size_t restored_checked = 0;
  for (const std::string& name : all_captures()) {
    if (name == kUnreadableBySysdig) continue;
    INFO(name);
    const std::string out = dir + "/" + name;
    const WriteCounts counts = copy_capture(capture_path(name), ReadMode::Normalized, out,
                                            WriterOptions{WriteFormat::Sysdig029, false});
    const PairedOutput original = pair_events(sysdig_lines(capture_path(name)));
    const PairedOutput copy = pair_events(sysdig_lines(out));
    CHECK(copy.others == original.others);
    CHECK(copy.unpaired_enters == 0);
    for (const auto& [exit_index, enter] : original.enter_of_exit) {
      INFO("enter before: " << original.others[exit_index]);
      auto it = copy.enter_of_exit.find(exit_index);
      REQUIRE(it != copy.enter_of_exit.end());
      CHECK(it->second == enter);
      ++restored_checked;
    }
    read_capture(out, ReadMode::Normalized);  // the converter accepts every pair (§15)
    // Extra enter events only where the original exit had none.
    CHECK(copy.enter_of_exit.size() >= original.enter_of_exit.size());
    CHECK(counts.enters_added <= copy.enter_of_exit.size());
  }
  CHECK(restored_checked > 200);
}
