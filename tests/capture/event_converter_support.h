// Test-only helpers for the converter tests: build v2 records by hand and read converted ones.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "scap/record_layout.h"
#include "vigil/capture/event.h"

namespace vigil::test {

using Bytes = std::vector<uint8_t>;

template <typename T>
Bytes le(T v) {
  Bytes b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}
inline Bytes cstr(std::string_view s) {
  Bytes b(s.begin(), s.end());
  b.push_back(0);
  return b;
}

// A v2 record of `type` with the given parameters; the length width follows the newest schema.
inline Bytes make_record(uint16_t type, int64_t tid, const std::vector<Bytes>& params, uint64_t ts = 1000) {
  const uint32_t lensize = capture::detail::param_len_size(type);
  uint32_t len = capture::EventView::kHeaderSize + static_cast<uint32_t>(params.size()) * lensize;
  for (const Bytes& p : params) len += static_cast<uint32_t>(p.size());
  Bytes r;
  auto put = [&r](const Bytes& b) { r.insert(r.end(), b.begin(), b.end()); };
  put(le(ts));
  put(le(tid));
  put(le(len));
  put(le(type));
  put(le(static_cast<uint32_t>(params.size())));
  for (const Bytes& p : params) {
    if (lensize == 4) {
      put(le(static_cast<uint32_t>(p.size())));
    } else {
      put(le(static_cast<uint16_t>(p.size())));
    }
  }
  for (const Bytes& p : params) put(p);
  return r;
}

// A decoded copy of a record, so it outlives the converter's buffer.
struct Decoded {
  Bytes bytes;
  std::vector<uint32_t> offsets;
  capture::EventView view() const {
    return capture::EventView(bytes.data(), offsets.data(), 0, 0, 1,
                              capture::EventSchema::newest().find(capture::load<uint16_t>(bytes.data() + 20)));
  }
};

inline Decoded decode(std::span<const uint8_t> record) {
  Decoded d;
  d.bytes.assign(record.begin(), record.end());
  const uint32_t nparams = capture::load<uint32_t>(d.bytes.data() + 22);
  d.offsets.resize(nparams + 1);
  const std::string err = capture::detail::index_params(d.bytes.data(), d.bytes.size(), d.offsets.data(), nparams);
  if (!err.empty()) throw std::runtime_error("converted record is malformed: " + err);
  return d;
}

inline Bytes param_bytes(const capture::EventView& v, uint32_t i) {
  auto b = v.param(i).bytes();
  return Bytes(b.begin(), b.end());
}

}  // namespace vigil::test
