// Internal: upgrades a v1 event record (legacy blocks 0x204/0x8010ABCD/0x208, 22-byte header
// without nparams) to a v2 record (scap-format.md §11.3).
#pragma once

#include <cstdint>
#include <string>

#include "vigil/capture/event_schema.h"

namespace vigil::capture::detail {

// Largest v2 record a v1 block can produce: a non-large block body plus the inserted nparams.
constexpr uint32_t kMaxV1RebuiltRecord = 65536 + 4;

// Writes the v2 form of the v1 record at `v1` (`available` bytes of block body) into `out`,
// which must hold kMaxV1RebuiltRecord bytes. nparams is inferred from the record length,
// counting down from the schema's parameter count. Returns an empty string on success, else why
// the record cannot be rebuilt.
std::string rebuild_v1_record(const uint8_t* v1, uint32_t available, const EventSchema& schema, uint8_t* out);

}  // namespace vigil::capture::detail
