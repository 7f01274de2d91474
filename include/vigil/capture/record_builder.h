// RecordBuilder: writes one v2 event record (scap-format.md §11.1: header, length array,
// parameter data) into a buffer it keeps, for programs that make events rather than read them
// (synthetic captures, converters, tests). The caller supplies the parameters in layout order,
// already encoded (EventInfo::params gives their types; capture::fixed_param_size their widths).
// The buffer keeps its capacity between records, so building one event after another does not
// allocate once it has grown.
//
// Not thread-safe: one thread at a time per builder.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "vigil/capture/event.h"

namespace vigil::capture {

class RecordBuilder {
 public:
  // Starts a record of `nparams` parameters whose lengths are `lensize` (2 or 4) bytes wide.
  void begin(uint64_t ts, int64_t tid, uint16_t type, uint32_t nparams, uint32_t lensize) {
    lensize_ = lensize;
    next_ = 0;
    buf_.resize(EventView::kHeaderSize + size_t{nparams} * lensize);
    std::memcpy(buf_.data(), &ts, 8);
    std::memcpy(buf_.data() + 8, &tid, 8);
    std::memcpy(buf_.data() + 20, &type, 2);
    std::memcpy(buf_.data() + 22, &nparams, 4);
  }
  // Appends the next parameter. With 2-byte lengths the value must be shorter than 64 KiB;
  // longer values are cut (drivers cap parameters at 65000 bytes, §11.2).
  void add(const uint8_t* data, uint32_t size) {
    if (lensize_ == 2 && size > 0xFFFF) size = 0xFFFF;
    uint8_t* len_at = buf_.data() + EventView::kHeaderSize + size_t{next_} * lensize_;
    if (lensize_ == 2) {
      const auto len16 = static_cast<uint16_t>(size);
      std::memcpy(len_at, &len16, 2);
    } else {
      std::memcpy(len_at, &size, 4);
    }
    buf_.insert(buf_.end(), data, data + size);
    ++next_;
  }
  void add(std::span<const uint8_t> bytes) { add(bytes.data(), static_cast<uint32_t>(bytes.size())); }
  // Appends `size` (at most 16, the widest fixed-size type) bytes of zeros: the value of a
  // fixed-size parameter nobody set.
  void add_zeros(uint32_t size) {
    static constexpr uint8_t kZeros[16] = {};
    add(kZeros, size);
  }
  // Completes the header's length field; the record stays valid until the next begin().
  std::span<const uint8_t> finish() {
    const auto len = static_cast<uint32_t>(buf_.size());
    std::memcpy(buf_.data() + 16, &len, 4);
    return {buf_.data(), buf_.size()};
  }
  uint32_t params_added() const { return next_; }

 private:
  std::vector<uint8_t> buf_;
  uint32_t lensize_ = 2;
  uint32_t next_ = 0;
};

}  // namespace vigil::capture
