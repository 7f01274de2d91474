// Builds single event records in memory for the formatting tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "scap_bytes.h"
#include "vigil/capture/event.h"
#include "vigil/capture/event_schema.h"

namespace vigil::test {

using Bytes = std::vector<uint8_t>;

inline Bytes str(std::string_view s) { return cstr(s); }  // CHARBUF/FSPATH: text plus its NUL
inline Bytes raw(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A v2 record (u16 parameter lengths) and the offsets an EventView needs.
class TestEvent {
 public:
  TestEvent(uint16_t type, int64_t tid, uint64_t ts, const std::vector<Bytes>& params)
      : record_(v2_record(ts, tid, type, params, 2)) {}

  capture::EventView view(uint64_t num = 1, uint16_t cpu = 0, uint32_t dump_flags = 0) const {
    return record_.view(num, cpu, dump_flags);
  }

 private:
  OwnedRecord record_;
};

}  // namespace vigil::test
