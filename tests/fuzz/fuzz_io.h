// File and byte plumbing shared by the fuzz targets, the seed builder and the replay tests.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fuzz_targets.h"

namespace vigil::fuzz {

// A path in this process's scratch directory (created on first use, under $TMPDIR or /tmp).
std::string scratch_path(const char* name);
void write_file(const std::string& path, const uint8_t* data, size_t size);
Bytes gzip(const uint8_t* data, size_t size);

// Offsets of the blocks of a decompressed capture, walked by their total-length fields until
// one is implausible; the last entry is where the walk stopped.
std::vector<size_t> block_offsets(const Bytes& capture);

// Metadata target: the selector byte of a metadata block type (0xff: not a metadata block), and
// the capture the target reads for an input.
uint8_t metadata_selector(uint32_t block_type);
Bytes metadata_capture(const uint8_t* data, size_t size);

// Deterministic mutations of a seed for the replay tests: bit flips, truncations (at every
// block boundary when `is_capture`), corrupted length fields, and random overwrites from a fixed
// seed. `budget` scales how many of each (the expensive targets get fewer).
void for_each_mutation(const Bytes& seed, bool is_capture, size_t budget, const std::function<void(const Bytes&)>& fn);

// Reports a broken promise of the capture layer and aborts (the fuzzer's crash signal).
[[noreturn]] void violation(const std::string& what);

}  // namespace vigil::fuzz
