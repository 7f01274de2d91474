// Internal: decodes the bodies of metadata blocks (machine info, interface, user, process and fd
// lists; scap-format.md §5-§9) into CaptureMetadata. The caller frames the block (header,
// trailer check) and hands over the body without the trailer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "vigil/capture/metadata.h"

namespace vigil::capture::detail {

// True for every block type parse_metadata_block() decodes (not for unknown types, which the
// reader skips).
bool is_metadata_block(uint32_t block_type);

// Appends what the block holds to `out`. `body` is everything between the 8-byte block header
// and the 4-byte trailer, padding included. Returns an empty string on success, else what is
// wrong with the block.
std::string parse_metadata_block(uint32_t block_type, const uint8_t* body, size_t body_len, CaptureMetadata& out);

}  // namespace vigil::capture::detail
