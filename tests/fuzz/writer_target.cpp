// Target (e): ScapWriter fed with what the reader delivers from arbitrary input, in both write
// formats; the written file must read back without error.
#include <memory>

#include "fuzz_io.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/capture/scap_writer.h"

namespace vigil::fuzz {
namespace {

using namespace vigil::capture;

struct Sink {
  std::string path;
  std::unique_ptr<ScapWriter> writer;
  uint64_t section_start = 0;  // events_written() when the current section began
  bool has_metadata = false;
};

void check(const Status& st, const char* what) {
  if (!st.ok()) violation(std::string("writer rejected what the reader accepted (") + what + "): " + st.error().to_string());
}

// Reads `path` back in Raw mode; returns the events delivered.
uint64_t read_back(const std::string& path) {
  auto opened = ScapReader::open(path, {.mode = ReadMode::Raw});
  if (!opened) violation("written file does not open: " + opened.error().to_string());
  EventView ev;
  NextStatus st;
  while ((st = opened.value()->next(ev)) == NextStatus::Event) {
  }
  if (st != NextStatus::EndOfStream) violation("written file does not read back: " + opened.value()->error().to_string());
  return opened.value()->stats().events;
}

void roundtrip(const std::string& input, ReadMode mode, bool compress) {
  auto opened = ScapReader::open(input, {.mode = mode});
  if (!opened) return;
  ScapReader& reader = *opened.value();
  Sink sinks[2];
  const WriteFormat formats[2] = {WriteFormat::Newest, WriteFormat::Sysdig029};
  for (int i = 0; i < 2; ++i) {
    sinks[i].path = scratch_path(i == 0 ? "out-newest.scap" : "out-sysdig029.scap");
    WriterOptions wo{formats[i], compress,
                     mode == ReadMode::Raw ? EnterRestore::NewerLayoutsOnly : EnterRestore::AllSyscallExits};
    auto created = ScapWriter::create(sinks[i].path, wo);
    if (!created) violation("cannot create " + sinks[i].path + ": " + created.error().to_string());
    sinks[i].writer = std::move(created.value());
  }
  uint32_t generation = reader.metadata_generation();
  EventView ev;
  while (reader.next(ev) == NextStatus::Event) {
    const bool new_section = reader.metadata_generation() != generation;
    generation = reader.metadata_generation();
    for (Sink& s : sinks) {
      if (!s.has_metadata) {
        check(s.writer->write_metadata(reader.metadata()), "metadata");
        s.has_metadata = true;
      } else if (new_section && s.writer->events_written() > s.section_start) {
        check(s.writer->start_section(reader.metadata()), "section");
        s.section_start = s.writer->events_written();
      }
      check(s.writer->write_event(ev), "event");
    }
  }
  for (int i = 0; i < 2; ++i) {
    Sink& s = sinks[i];
    check(s.writer->close(), "close");
    if (s.writer->events_written() == 0) continue;  // a capture needs an event to be readable
    const uint64_t back = read_back(s.path);
    if (i == 0 && back != s.writer->events_written()) {
      violation("newest-format file reads back " + std::to_string(back) + " events of " +
                std::to_string(s.writer->events_written()) + " written");
    }
  }
}

}  // namespace

int scap_writer_roundtrip(const uint8_t* data, size_t size) {
  const std::string path = scratch_path("writer-input.scap");
  write_file(path, data, size);
  const bool compress = size % 2 == 1;
  roundtrip(path, ReadMode::Raw, compress);
  roundtrip(path, ReadMode::Normalized, !compress);
  return 0;
}

}  // namespace vigil::fuzz
