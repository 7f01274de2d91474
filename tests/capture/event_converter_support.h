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
#include "scap_bytes.h"
#include "vigil/capture/event.h"

namespace vigil::test {

using Bytes = std::vector<uint8_t>;


// A v2 record of `type` with the given parameters; the length width follows the newest schema.
inline Bytes make_record(uint16_t type, int64_t tid, const std::vector<Bytes>& params, uint64_t ts = 1000) {
  return v2_record(ts, tid, type, params, capture::detail::param_len_size(type)).bytes;
}

// A decoded copy of a record, so it outlives the converter's buffer.
using Decoded = OwnedRecord;

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
