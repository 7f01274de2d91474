// Builds small synthetic captures, block by block, for the layouts no shared capture contains
// (PL v1-v4, _INT ids, EVF, LARGE blocks, ...). Layouts follow scap-format.md.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "scap_bytes.h"

namespace vigil::test {

// Little-endian byte sink.
struct Bytes {
  std::vector<uint8_t> b;
  template <typename T>
  Bytes& put(T v) {
    uint8_t tmp[sizeof v];
    std::memcpy(tmp, &v, sizeof v);
    b.insert(b.end(), tmp, tmp + sizeof v);
    return *this;
  }
  Bytes& u8(uint8_t v) { return put(v); }
  Bytes& u16(uint16_t v) { return put(v); }
  Bytes& u32(uint32_t v) { return put(v); }
  Bytes& u64(uint64_t v) { return put(v); }
  Bytes& raw(const std::string& s) {
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& raw(const std::vector<uint8_t>& v) {
    b.insert(b.end(), v.begin(), v.end());
    return *this;
  }
  Bytes& str16(const std::string& s) { return u16(static_cast<uint16_t>(s.size())).raw(s); }
  size_t size() const { return b.size(); }
};

// A capture under construction: blocks padded to 4 bytes, trailer = length.
struct CaptureBuilder {
  std::vector<uint8_t> bytes;

  CaptureBuilder& block(uint32_t type, const std::vector<uint8_t>& body) {
    append_block(bytes, type, body.data(), body.size());
    return *this;
  }
  CaptureBuilder& shb(uint16_t major = 1, uint16_t minor = 2) {
    return block(0x0A0D0D0A, Bytes().u32(0x1A2B3C4D).u16(major).u16(minor).u64(~0ull).b);
  }
  size_t size() const { return bytes.size(); }
};

// A v2 event record (§11.1). Parameter lengths are u32 when `large_lengths`.
inline std::vector<uint8_t> event_v2(uint64_t ts, int64_t tid, uint16_t type,
                                     const std::vector<std::vector<uint8_t>>& params, bool large_lengths = false) {
  return v2_record(ts, tid, type, params, large_lengths ? 4 : 2).bytes;
}

// A v1 event record (§11.3): no nparams; `len_bias` simulates old writers' wrong lengths.
inline std::vector<uint8_t> event_v1(uint64_t ts, int64_t tid, uint16_t type,
                                     const std::vector<std::vector<uint8_t>>& params, uint32_t len_bias = 0) {
  uint32_t len = 22 + static_cast<uint32_t>(params.size()) * 2;
  for (const auto& p : params) len += static_cast<uint32_t>(p.size());
  Bytes out;
  out.u64(ts).put(tid).u32(len + len_bias).u16(type);
  for (const auto& p : params) out.u16(static_cast<uint16_t>(p.size()));
  for (const auto& p : params) out.raw(p);
  return out.b;
}

inline std::vector<uint8_t> u64_param(uint64_t v) { return le(v); }
inline std::vector<uint8_t> u32_param(uint32_t v) { return le(v); }
inline std::vector<uint8_t> str_param(const std::string& s) { return cstr(s); }

// Event block bodies: cpuid [+ dump flags] + record.
inline std::vector<uint8_t> ev_body(uint16_t cpu, const std::vector<uint8_t>& record) {
  return Bytes().u16(cpu).raw(record).b;
}
inline std::vector<uint8_t> evf_body(uint16_t cpu, uint32_t flags, const std::vector<uint8_t>& record) {
  return Bytes().u16(cpu).u32(flags).raw(record).b;
}

}  // namespace vigil::test
