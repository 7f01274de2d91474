// Internal: the framing layer of a .scap file being written (scap-format.md §1-§2).
//
// Owns the output file (plain or gzip through zlib's gz layer) and frames bodies into blocks:
// type, total length, body, zero padding to a multiple of 4, trailer. It knows nothing about what
// the bodies mean. One thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scap/block_types.h"
#include "vigil/common/result.h"

namespace vigil::capture::detail {

inline constexpr uint64_t roundup4(uint64_t n) { return (n + 3) & ~uint64_t{3}; }

class BlockWriter {
 public:
  // Creates or truncates `path` (mode 0600, never through a symlink) and starts the stream.
  static Result<std::unique_ptr<BlockWriter>> open(const std::string& path, bool compress);
  ~BlockWriter();
  BlockWriter(const BlockWriter&) = delete;
  BlockWriter& operator=(const BlockWriter&) = delete;

  // Writes one block whose body is the concatenation of `parts`.
  Status write_block(uint32_t type, std::span<const std::span<const uint8_t>> parts);
  Status write_block(uint32_t type, std::span<const uint8_t> body) {
    const std::span<const uint8_t> parts[] = {body};
    return write_block(type, parts);
  }
  // Flushes and closes the file. Safe to call more than once; later writes fail.
  Status close();

  // Bytes of the uncompressed stream written so far: the offset of the next block.
  uint64_t offset() const { return offset_; }
  const std::string& path() const { return path_; }
  bool closed() const { return file_ == nullptr; }

  // An Error naming this file at the current stream offset.
  Error error_here(std::string message) const;

 private:
  BlockWriter(std::string path, void* file) : path_(std::move(path)), file_(file) {}
  Status put(const void* data, size_t size);

  std::string path_;
  void* file_;  // gzFile; void* keeps zlib.h out of the other translation units
  uint64_t offset_ = 0;
};

}  // namespace vigil::capture::detail
