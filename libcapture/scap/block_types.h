// Internal: the .scap block type registry (scap-format.md §3) and the fixed sizes of §2/§4.
#pragma once

#include <cstdint>

namespace vigil::capture::detail {

enum BlockType : uint32_t {
  kShb = 0x0A0D0D0A,
  kMi = 0x201, kMiInt = 0x8002ABCD,
  kPlV1 = 0x202, kPlV1Int = 0x8000ABCD,
  kPlV2 = 0x207, kPlV2Int = 0x8013ABCD,
  kPlV3 = 0x209, kPlV3Int = 0x8014ABCD,
  kPlV4 = 0x210, kPlV5 = 0x211, kPlV6 = 0x212, kPlV7 = 0x213, kPlV8 = 0x214, kPlV9 = 0x215,
  kFdlV1 = 0x203, kFdlV1Int = 0x8001ABCD,
  kFdlV2 = 0x218,
  kEvV1 = 0x204, kEvV1Int = 0x8010ABCD,
  kEvV2 = 0x216, kEvV2Large = 0x221,
  kEvfV1 = 0x208,
  kEvfV2 = 0x217, kEvfV2Large = 0x222,
  kIlV1 = 0x205, kIlV1Int = 0x8011ABCD, kIlV2 = 0x219,
  kUlV1 = 0x206, kUlV1Int = 0x8012ABCD, kUlV2 = 0x220,
};

constexpr uint32_t kShbMagic = 0x1A2B3C4D;
constexpr uint32_t kShbSwappedMagic = 0x4D3C2B1A;
constexpr uint32_t kBlockHeaderSize = 8;    // type + total length
constexpr uint32_t kBlockTrailerSize = 4;   // copy of the total length
constexpr uint32_t kShbBodySize = 16;       // magic, major, minor, section length
constexpr uint32_t kMiBodySize = 180;
// Non-large event blocks: block_total_length - 8 must not exceed this (§10.1).
constexpr uint32_t kMaxSmallEventBlockRead = 65536;

// How an event block stores its record (§10.1).
struct EventBlockFormat {
  bool is_event = false;
  bool has_flags = false;  // EVF: u32 dump flags before the record
  bool v1_header = false;  // 22-byte record header without nparams (§11.3)
  bool large = false;      // no 64 KiB limit
};

constexpr EventBlockFormat event_block_format(uint32_t type) {
  switch (type) {
    case kEvV2: return {true, false, false, false};
    case kEvV2Large: return {true, false, false, true};
    case kEvfV2: return {true, true, false, false};
    case kEvfV2Large: return {true, true, false, true};
    case kEvV1:
    case kEvV1Int: return {true, false, true, false};
    case kEvfV1: return {true, true, true, false};
    default: return {};
  }
}

}  // namespace vigil::capture::detail
