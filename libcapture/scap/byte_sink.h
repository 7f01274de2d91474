// Internal: appends packed little-endian values to a byte vector, the way every .scap structure
// is laid out (scap-format.md §0). Writers on x86-64/arm64 only: host order is little-endian.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace vigil::capture::detail {

static_assert(std::endian::native == std::endian::little, "the .scap writer emits host-order integers");

class ByteSink {
 public:
  explicit ByteSink(std::vector<uint8_t>& out) : out_(out) {}

  template <typename T>
  void put(T value) {
    const size_t at = out_.size();
    out_.resize(at + sizeof value);
    std::memcpy(out_.data() + at, &value, sizeof value);
  }
  void bytes(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    out_.insert(out_.end(), p, p + size);
  }
  // A metadata string: u16 length then the bytes, no NUL (str16). Cut at `max` bytes, the limit
  // readers enforce for the field (§8.1).
  void str16(std::string_view s, size_t max) {
    if (s.size() > max) s = s.substr(0, max);
    put<uint16_t>(static_cast<uint16_t>(s.size()));
    bytes(s.data(), s.size());
  }
  // Reserves a u32 and returns its position, to be patched by patch_u32 once the size is known.
  size_t reserve_u32() {
    const size_t at = out_.size();
    put<uint32_t>(0);
    return at;
  }
  void patch_u32(size_t at, uint32_t value) { std::memcpy(out_.data() + at, &value, sizeof value); }
  size_t size() const { return out_.size(); }

 private:
  std::vector<uint8_t>& out_;
};

}  // namespace vigil::capture::detail
