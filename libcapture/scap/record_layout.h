// Internal helpers for v2 event records (scap-format.md §11): shared by the file reader, the
// converter and the live source so all of them validate and index records the same way.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "vigil/capture/event.h"

namespace vigil::capture::detail {

// Parameter length width for an event type: 4 for EF_LARGE_PAYLOAD types, else 2 (§11.2).
inline uint32_t param_len_size(uint16_t type) {
  const EventInfo* info = EventSchema::newest().find(type);
  return info && info->has(kLargePayload) ? 4 : 2;
}

// Validates a v2 record of `available` bytes and fills `offsets` with nparams+1 offsets (start
// of each parameter, then the end). `offsets` must have room for nparams+1 entries. Returns an
// empty string on success, else what is wrong (record shorter than its header, len larger than
// the block, length array or a parameter running past len).
std::string index_params(const uint8_t* record, uint64_t available, uint32_t* offsets, uint32_t max_params);

}  // namespace vigil::capture::detail
