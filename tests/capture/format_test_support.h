// Builds single event records in memory for the formatting tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/capture/event.h"
#include "vigil/capture/event_schema.h"

namespace vigil::test {

using Bytes = std::vector<uint8_t>;

template <typename T>
Bytes le(T v) {
  Bytes b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}
inline Bytes str(std::string_view s) {  // CHARBUF/FSPATH: text plus its NUL
  Bytes b(s.begin(), s.end());
  b.push_back(0);
  return b;
}
inline Bytes raw(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A v2 record (u16 parameter lengths) and the offsets an EventView needs.
class TestEvent {
 public:
  TestEvent(uint16_t type, int64_t tid, uint64_t ts, std::vector<Bytes> params) {
    const uint32_t header = capture::EventView::kHeaderSize + 2 * static_cast<uint32_t>(params.size());
    uint32_t len = header;
    for (const Bytes& p : params) len += static_cast<uint32_t>(p.size());
    record_.resize(len);
    uint8_t* r = record_.data();
    std::memcpy(r, &ts, 8);
    std::memcpy(r + 8, &tid, 8);
    std::memcpy(r + 16, &len, 4);
    std::memcpy(r + 20, &type, 2);
    const uint32_t n = static_cast<uint32_t>(params.size());
    std::memcpy(r + 22, &n, 4);
    uint32_t at = header;
    for (size_t i = 0; i < params.size(); ++i) {
      const uint16_t plen = static_cast<uint16_t>(params[i].size());
      std::memcpy(r + capture::EventView::kHeaderSize + 2 * i, &plen, 2);
      offsets_.push_back(at);
      if (plen) std::memcpy(r + at, params[i].data(), plen);
      at += plen;
    }
    offsets_.push_back(at);
  }

  capture::EventView view(uint64_t num = 1, uint16_t cpu = 0, uint32_t dump_flags = 0) const {
    const uint16_t type = capture::load<uint16_t>(record_.data() + 20);
    return capture::EventView(record_.data(), offsets_.data(), cpu, dump_flags, num,
                              capture::EventSchema::newest().find(type));
  }

 private:
  Bytes record_;
  std::vector<uint32_t> offsets_;
};

}  // namespace vigil::test
