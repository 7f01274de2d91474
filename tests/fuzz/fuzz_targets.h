// Fuzz targets for the capture layer. Each entry takes arbitrary bytes and must never crash,
// hang or allocate without bound; an internal inconsistency (something the layer promises and
// does not hold) aborts so the fuzzer reports it. The same entries run under libFuzzer
// (VIGIL_BUILD_FUZZERS, tests/fuzz/libfuzzer_main.cpp) and, over seed corpora and fixed
// mutations, as ordinary Catch2 tests (tests/capture/fuzz_replay_test.cpp).
//
// Entries write temporary files under a per-process directory; they are not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace vigil::fuzz {

using Bytes = std::vector<uint8_t>;

// (a) ScapReader on the bytes as a file, in Normalized and Raw mode, read to the end.
int scap_reader_plain(const uint8_t* data, size_t size);
// (a) The same with the bytes gzip-compressed first, so mutations reach the decompressed stream.
int scap_reader_gzip(const uint8_t* data, size_t size);
// (b) EventConverter on a sequence of v2 records (each as its header's len says).
int event_converter(const uint8_t* data, size_t size);
// (c) Parameter and event formatting: the bytes become the parameters of a record of every
//     event id of both schemas.
int event_format(const uint8_t* data, size_t size);
// (d) The metadata parser through the reader: byte 0 picks a metadata block type, the rest is
//     its body, placed between a section header and one event.
int metadata_block(const uint8_t* data, size_t size);
// (e) ScapWriter: whatever the reader delivers from the bytes is written in both formats and
//     read back; read-back must not fail.
int scap_writer_roundtrip(const uint8_t* data, size_t size);

struct Target {
  std::string_view name;
  int (*entry)(const uint8_t*, size_t);
};
// Every target above, by name ("scap_reader_plain", ...).
const std::vector<Target>& targets();

// Seed inputs for a target, built from the shared captures in `captures_dir`.
std::vector<Bytes> seed_corpus(std::string_view target, const char* captures_dir);

}  // namespace vigil::fuzz
