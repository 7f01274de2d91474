// Byte-level helpers shared by the capture tests and the fuzz targets: little-endian values, v2
// event records built by hand (scap-format.md §11.1) with the parameter offsets an EventView
// needs, block framing, and whole-file gzip reading and writing. Header-only and free of Catch2, so the libFuzzer
// executables can use it too.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/capture/event.h"
#include "vigil/capture/event_schema.h"

namespace vigil::test {

// `v` as its little-endian bytes (the machines vigil runs on are little-endian).
template <typename T>
std::vector<uint8_t> le(T v) {
  std::vector<uint8_t> b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}

// A CHARBUF/FSPATH parameter: the text and its NUL.
inline std::vector<uint8_t> cstr(std::string_view s) {
  std::vector<uint8_t> b(s.begin(), s.end());
  b.push_back(0);
  return b;
}

// Width of an event's parameter lengths in the newest schema: 4 for large-payload events, else 2.
inline uint32_t newest_param_len_size(uint16_t type) {
  const capture::EventInfo* info = capture::EventSchema::newest().find(type);
  return info && info->has(capture::kLargePayload) ? 4 : 2;
}

// A v2 record and where each parameter starts (one more entry: where the last one ends), so it
// can be viewed in place. The view is valid while this object lives unchanged.
struct OwnedRecord {
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> offsets;

  uint16_t type() const { return capture::load<uint16_t>(bytes.data() + 20); }
  // Decoded with the newest schema, as the reader's Normalized mode delivers events.
  capture::EventView view(uint64_t num = 1, uint16_t cpu = 0, uint32_t dump_flags = 0) const {
    return capture::EventView(bytes.data(), offsets.data(), cpu, dump_flags, num,
                              capture::EventSchema::newest().find(type()));
  }
};

// A v2 record: ts, tid, total length, type, parameter count, each parameter's length in
// `len_size` (2 or 4) bytes, then the parameters.
inline OwnedRecord v2_record(uint64_t ts, int64_t tid, uint16_t type, const std::vector<std::vector<uint8_t>>& params,
                             uint32_t len_size) {
  const auto n = static_cast<uint32_t>(params.size());
  OwnedRecord r;
  r.bytes.resize(capture::EventView::kHeaderSize + n * len_size);
  uint8_t* head = r.bytes.data();
  std::memcpy(head, &ts, 8);
  std::memcpy(head + 8, &tid, 8);
  std::memcpy(head + 20, &type, 2);
  std::memcpy(head + 22, &n, 4);
  for (uint32_t i = 0; i < n; ++i) {
    const auto size = static_cast<uint32_t>(params[i].size());
    std::memcpy(r.bytes.data() + capture::EventView::kHeaderSize + i * len_size, &size, len_size);
    r.offsets.push_back(static_cast<uint32_t>(r.bytes.size()));
    r.bytes.insert(r.bytes.end(), params[i].begin(), params[i].end());
  }
  r.offsets.push_back(static_cast<uint32_t>(r.bytes.size()));
  const auto len = static_cast<uint32_t>(r.bytes.size());
  std::memcpy(r.bytes.data() + 16, &len, 4);
  return r;
}

// Appends one block (scap-format.md §3): type, total length, the body padded to 4 bytes, the
// total length again.
inline void append_block(std::vector<uint8_t>& out, uint32_t type, const uint8_t* body, size_t size) {
  const auto len = static_cast<uint32_t>((12 + size + 3) & ~size_t{3});
  const auto put_u32 = [&out](uint32_t v) {
    const std::vector<uint8_t> b = le(v);
    out.insert(out.end(), b.begin(), b.end());
  };
  put_u32(type);
  put_u32(len);
  out.insert(out.end(), body, body + size);
  out.resize(out.size() + (len - 12 - size), 0);
  put_u32(len);
}

// The whole file, decompressed when it is gzip (zlib reads plain files as they are); empty when
// it cannot be opened.
inline std::vector<uint8_t> read_decompressed(const std::string& path) {
  std::vector<uint8_t> out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return out;
  uint8_t buf[65536];
  int got;
  while ((got = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + got);
  gzclose(f);
  return out;
}

// `size` bytes as one gzip member at `level`; empty on a zlib failure (a gzip stream never is).
inline std::vector<uint8_t> gzip(const uint8_t* data, size_t size, int level = Z_DEFAULT_COMPRESSION) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::vector<uint8_t> out(deflateBound(&zs, size) + 64);
  zs.next_in = const_cast<uint8_t*>(data);
  zs.avail_in = static_cast<uInt>(size);
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const bool done = deflate(&zs, Z_FINISH) == Z_STREAM_END;
  out.resize(done ? zs.total_out : 0);
  deflateEnd(&zs);
  return out;
}

}  // namespace vigil::test
