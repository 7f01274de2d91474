#include "scap/block_event_v1.h"

#include <cstring>

#include "vigil/capture/event.h"

namespace vigil::capture::detail {

namespace {
constexpr uint32_t kV1HeaderSize = 22;
// Old writers stored these two events' length 3 bytes too long (§11.3 step 2).
constexpr uint16_t kNotificationE = 280;
constexpr uint16_t kInfrastructureEventE = 286;
}  // namespace

std::string rebuild_v1_record(const uint8_t* v1, uint32_t available, const EventSchema& schema, uint8_t* out) {
  if (available < kV1HeaderSize) return "v1 event record shorter than its 22-byte header";
  const uint32_t len_v1 = load<uint32_t>(v1 + 16);
  const uint16_t type = load<uint16_t>(v1 + 20);
  if (len_v1 < kV1HeaderSize) return "v1 event length " + std::to_string(len_v1) + " below the header size";
  uint64_t len64 = uint64_t{len_v1} + 4;
  if (type == kNotificationE || type == kInfrastructureEventE) {
    if (len_v1 < kV1HeaderSize + 3) return "v1 event length " + std::to_string(len_v1) + " too short";
    len64 -= 3;
  }
  if (len64 - 4 > available || len64 > kMaxV1RebuiltRecord) {
    return "v1 event length " + std::to_string(len_v1) + " exceeds the " + std::to_string(available) +
           " bytes of its block";
  }
  const uint32_t len = static_cast<uint32_t>(len64);
  std::memcpy(out, v1, 16);  // ts, tid
  std::memcpy(out + 16, &len, 4);
  std::memcpy(out + 20, &type, 2);
  std::memcpy(out + EventView::kHeaderSize, v1 + kV1HeaderSize, len - EventView::kHeaderSize);

  // The record does not say how many parameters it has: take the largest count whose length
  // array and data end exactly at the record end. Sums only shrink as the count goes down.
  const EventInfo* info = schema.find(type);
  const uint32_t max_n = info ? static_cast<uint32_t>(info->nparams()) : 0;
  for (uint32_t n = max_n + 1; n-- > 0;) {
    uint64_t end = EventView::kHeaderSize + uint64_t{n} * 2;
    if (end > len) continue;
    for (uint32_t i = 0; i < n; ++i) end += load<uint16_t>(out + EventView::kHeaderSize + i * 2);
    if (end < len) return "corrupted v1 event: cannot infer its parameter count";
    if (end == len) {
      std::memcpy(out + 22, &n, 4);
      return {};
    }
  }
  return "corrupted v1 event: no parameter count matches its length";
}

}  // namespace vigil::capture::detail
