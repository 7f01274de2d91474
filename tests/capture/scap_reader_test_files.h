// Shared by the scap_reader_*_test.cpp files: real captures as bytes, a block index over them,
// and a helper that reads a capture to the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "scap_bytes.h"
#include "test_paths.h"
#include "vigil/capture/scap_reader.h"

namespace vigil::test {

// The decompressed block stream of a shared capture (gzip or plain).
inline std::vector<uint8_t> capture_bytes(const std::string& name) {
  std::vector<uint8_t> out = read_decompressed(capture_path(name));
  if (out.empty()) throw std::runtime_error("cannot read " + name);
  return out;
}

inline std::vector<uint8_t> gzip_bytes(const std::vector<uint8_t>& plain) { return gzip(plain.data(), plain.size()); }

inline std::string write_temp(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = temp_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

inline uint32_t get_u32(const std::vector<uint8_t>& b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}
inline void put_u32(std::vector<uint8_t>& b, size_t off, uint32_t v) { std::memcpy(b.data() + off, &v, 4); }
inline void put_u16(std::vector<uint8_t>& b, size_t off, uint16_t v) { std::memcpy(b.data() + off, &v, 2); }

struct BlockRef {
  size_t offset;
  uint32_t type;
  uint32_t length;
};

// Every block of a decompressed capture, in file order.
inline std::vector<BlockRef> block_index(const std::vector<uint8_t>& b) {
  std::vector<BlockRef> out;
  size_t off = 0;
  while (off + 8 <= b.size()) {
    const uint32_t len = get_u32(b, off + 4);
    out.push_back({off, get_u32(b, off), len});
    if (len < 12) break;
    off += len;
  }
  return out;
}

inline bool is_event_block_type(uint32_t t) {
  return t == 0x204 || t == 0x8010ABCD || t == 0x208 || t == 0x216 || t == 0x217 || t == 0x221 || t == 0x222;
}

// One delivered event, copied out of its view.
struct SeenEvent {
  uint64_t num;
  uint64_t ts;
  uint16_t cpu;
  int64_t tid;
  uint16_t type;
  uint32_t nparams;
  uint32_t dump_flags;
  uint64_t block_offset;
};

struct ReadOutcome {
  bool opened = false;
  Error open_error;
  std::vector<SeenEvent> events;
  capture::NextStatus last = capture::NextStatus::EndOfStream;
  Error error;  // when last == Failed
  capture::SourceStats stats;
};

inline ReadOutcome read_all(const std::string& path, capture::ReadMode mode = capture::ReadMode::Raw,
                            capture::ReaderOptions options = {}) {
  ReadOutcome r;
  options.mode = mode;
  auto reader = capture::ScapReader::open(path, options);
  if (!reader) {
    r.open_error = reader.error();
    return r;
  }
  r.opened = true;
  capture::EventView e;
  while ((r.last = (*reader)->next(e)) == capture::NextStatus::Event) {
    r.events.push_back({e.num(), e.ts(), e.cpu(), e.tid(), e.type(), e.nparams(), e.dump_flags(),
                        (*reader)->block_offset()});
  }
  if (r.last == capture::NextStatus::Failed) r.error = (*reader)->error();
  r.stats = (*reader)->stats();
  return r;
}

}  // namespace vigil::test
