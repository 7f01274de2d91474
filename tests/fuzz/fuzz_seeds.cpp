// The target registry and the seed corpora, built from the shared captures at run time.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

#include "fuzz_io.h"
#include "scap_bytes.h"
#include "vigil/capture/scap_reader.h"

namespace vigil::fuzz {

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"scap_reader_plain", scap_reader_plain},   {"scap_reader_gzip", scap_reader_gzip},
      {"event_converter", event_converter},       {"event_format", event_format},
      {"metadata_block", metadata_block},         {"scap_writer_roundtrip", scap_writer_roundtrip},
  };
  return all;
}

namespace {

constexpr size_t kMaxSeed = 65536;  // the -max_len the fuzzers run with

std::vector<std::string> capture_files(const char* dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".scap") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Raw records of a capture, as the reader delivers them.
std::vector<Bytes> raw_records(const std::string& path) {
  std::vector<Bytes> records;
  auto opened = capture::ScapReader::open(path, {.mode = capture::ReadMode::Raw});
  if (!opened) return records;
  capture::EventView ev;
  while (opened.value()->next(ev) == capture::NextStatus::Event) {
    records.emplace_back(ev.record().begin(), ev.record().end());
  }
  return records;
}

// A capture cut to whole blocks within the size limit, so seeds stay well-formed.
Bytes leading_blocks(const Bytes& capture) {
  size_t end = 0;
  for (size_t off : block_offsets(capture)) {
    if (off > kMaxSeed) break;
    end = off;
  }
  return Bytes(capture.begin(), capture.begin() + static_cast<std::ptrdiff_t>(end));
}

}  // namespace

std::vector<Bytes> seed_corpus(std::string_view target, const char* captures_dir) {
  std::vector<Bytes> seeds;
  for (const std::string& path : capture_files(captures_dir)) {
    const Bytes plain = test::read_decompressed(path);
    if (target == "scap_reader_plain" || target == "scap_reader_gzip" || target == "scap_writer_roundtrip") {
      seeds.push_back(leading_blocks(plain));
    } else if (target == "event_converter") {
      Bytes run;
      for (const Bytes& r : raw_records(path)) {
        if (run.size() + r.size() > kMaxSeed / 4) {
          seeds.push_back(std::move(run));
          run.clear();
          if (seeds.size() % 8 == 0) break;  // a few runs per capture are enough
        }
        run.insert(run.end(), r.begin(), r.end());
      }
      if (!run.empty()) seeds.push_back(std::move(run));
    } else if (target == "event_format") {
      std::set<uint16_t> seen;
      for (const Bytes& r : raw_records(path)) {
        uint16_t type;
        std::memcpy(&type, r.data() + 20, 2);
        if (!seen.insert(type).second) continue;
        // Parameter lengths as u16 then the data: the layout the target reads.
        seeds.emplace_back(r.begin() + 26, r.end());
      }
    } else if (target == "metadata_block") {
      // A few blocks of each type per capture: process and fd lists have hundreds.
      std::vector<int> per_type(256, 0);
      const std::vector<size_t> offs = block_offsets(plain);
      for (size_t i = 0; i + 1 < offs.size(); ++i) {
        uint32_t type, len;
        std::memcpy(&type, plain.data() + offs[i], 4);
        std::memcpy(&len, plain.data() + offs[i] + 4, 4);
        const uint8_t sel = metadata_selector(type);
        if (sel == 0xff || len - 12 >= kMaxSeed || ++per_type[sel] > 2) continue;
        Bytes seed = {sel};
        seed.insert(seed.end(), plain.begin() + offs[i] + 8, plain.begin() + offs[i] + len - 4);
        seeds.push_back(std::move(seed));
      }
    }
  }
  return seeds;
}

}  // namespace vigil::fuzz
