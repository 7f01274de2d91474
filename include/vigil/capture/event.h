// Zero-copy views of one event record (scap-format.md §11) and of its parameters (§13).
//
// An EventView points into memory owned by the EventSource that produced it (a read buffer, a
// ring buffer, a conversion scratch buffer) and stays valid until that source's next call to
// next(). Views are cheap to copy; copying one does not copy the event. Not thread-safe beyond
// that: the producing source decides the lifetime.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "vigil/capture/event_schema.h"

namespace vigil::capture {

// Dump flags of EVF blocks (§10.2).
enum DumpFlag : uint32_t {
  kDumpStateOnly = 0x1,  // apply to state, never show
};

// Unaligned little-endian load; every record field is packed.
template <typename T>
inline T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// PPM_AF_* families as they appear in sockaddr/socktuple parameters.
enum SocketFamily : uint8_t { kAfUnix = 1, kAfInet = 2, kAfInet6 = 10 };

// A decoded PT_SOCKADDR. Addresses are raw bytes in network order; ports are host order.
struct SockAddr {
  uint8_t family = 0;                 // 0: empty / unknown family
  std::array<uint8_t, 16> addr{};     // IPv4 uses the first 4 bytes
  uint16_t port = 0;
  std::string_view unix_path;         // AF_UNIX only
};

// A decoded PT_SOCKTUPLE: src is the local side as the syscall sees it (§13.2).
struct SockTuple {
  uint8_t family = 0;
  std::array<uint8_t, 16> src_addr{};
  uint16_t src_port = 0;
  std::array<uint8_t, 16> dst_addr{};
  uint16_t dst_port = 0;
  uint64_t unix_src = 0;              // AF_UNIX: kernel socket ids
  uint64_t unix_dst = 0;
  std::string_view unix_path;
};

// One parameter's bytes. A size of 0 means "no value" for every type (§13.3).
class ParamView {
 public:
  ParamView() = default;
  ParamView(const uint8_t* data, uint32_t size) : data_(data), size_(size) {}

  const uint8_t* data() const { return data_; }
  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

  // Integers of any fixed width: the value zero-extended (or sign-extended for as_i64) from
  // however many bytes are present, up to 8. Short or empty parameters read as 0.
  uint64_t as_u64() const;
  int64_t as_i64() const;  // sign-extends from the stored width (fd, errno, pid, int8..64)
  uint32_t as_u32() const { return static_cast<uint32_t>(as_u64()); }
  uint16_t as_u16() const { return static_cast<uint16_t>(as_u64()); }
  uint8_t as_u8() const { return static_cast<uint8_t>(as_u64()); }

  // CHARBUF/FSPATH/FSRELPATH: the text without its terminating NUL (and without anything after
  // the first NUL). The legacy "(NULL)" placeholder is returned as written; see is_null_string().
  std::string_view as_string() const;
  bool is_null_string() const;  // empty, or the legacy "(NULL)" marker (§13.3)

  SockAddr as_sockaddr() const;    // family 0 if empty or malformed
  SockTuple as_socktuple() const;  // family 0 if empty or malformed

  // PT_FDLIST: u16 count then count x {i64 fd, i16 flags}. Entries past the end are ignored.
  uint16_t fdlist_count() const;
  bool fdlist_entry(uint16_t i, int64_t& fd, int16_t& flags) const;

  // PT_DYN: the selector byte and the value that follows it.
  uint8_t dyn_index() const { return size_ ? data_[0] : 0; }
  ParamView dyn_value() const { return size_ ? ParamView(data_ + 1, size_ - 1) : ParamView(); }

 private:
  const uint8_t* data_ = nullptr;
  uint32_t size_ = 0;
};

// A v2 event record (26-byte header, length array, parameter data) plus the block's cpu id,
// dump flags and the source's sequence number.
class EventView {
 public:
  static constexpr uint32_t kHeaderSize = 26;

  EventView() = default;
  // `record` must hold a validated v2 record; `param_offsets` holds nparams+1 offsets from the
  // start of the record (the start of each parameter, then the end of the last one).
  EventView(const uint8_t* record, const uint32_t* param_offsets, uint16_t cpu, uint32_t dump_flags,
            uint64_t num, const EventInfo* info)
      : record_(record), offsets_(param_offsets), cpu_(cpu), dump_flags_(dump_flags), num_(num), info_(info) {}

  bool valid() const { return record_ != nullptr; }
  uint64_t ts() const { return load<uint64_t>(record_); }
  int64_t tid() const { return load<int64_t>(record_ + 8); }
  uint32_t len() const { return load<uint32_t>(record_ + 16); }
  uint16_t type() const { return load<uint16_t>(record_ + 20); }
  uint32_t nparams() const { return load<uint32_t>(record_ + 22); }
  uint16_t cpu() const { return cpu_; }
  uint32_t dump_flags() const { return dump_flags_; }
  // 1-based position in the stream as the source numbers it (evt.num).
  uint64_t num() const { return num_; }
  // Schema entry for type() in the newest schema; nullptr for ids the schema does not know.
  const EventInfo* info() const { return info_; }
  Direction direction() const { return (type() & 1) ? Direction::Exit : Direction::Enter; }

  // Parameter i, or an empty view when i >= nparams().
  ParamView param(uint32_t i) const {
    if (i >= nparams()) return {};
    return ParamView(record_ + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  // Parameter by schema name; empty view if the schema has no such name or the event lacks it.
  ParamView param(std::string_view name) const;
  int param_index(std::string_view name) const;  // -1 when unknown

  std::span<const uint8_t> record() const { return {record_, len()}; }

 private:
  const uint8_t* record_ = nullptr;
  const uint32_t* offsets_ = nullptr;
  uint16_t cpu_ = 0;
  uint32_t dump_flags_ = 0;
  uint64_t num_ = 0;
  const EventInfo* info_ = nullptr;
};

}  // namespace vigil::capture
