// Internal: the decompressed byte stream of a capture file, plain or gzip (scap-format.md §1).
//
// One window buffer serves every read: callers ask for `n` contiguous bytes at the current
// position, use them in place and consume them. The window is refilled with large reads (plain
// files straight into it, gzip through a fixed input buffer and ISA-L's inflate), so memory
// stays constant whatever the file size; it only grows when a caller asks for a block larger
// than the window, and then only as far as the data actually present in the file.
//
// gzip is detected by its magic; concatenated gzip members read as one stream, as with zlib's
// gz layer. One thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vigil::capture::detail {

class ByteStream {
 public:
  static constexpr size_t kWindowSize = 1 << 20;      // initial window, and the refill granule
  static constexpr size_t kInputChunk = 256 << 10;    // compressed bytes read at a time

  ByteStream();
  ~ByteStream();
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;

  // Opens `path`. Returns an empty string on success, else the reason (errno text).
  std::string open(const std::string& path);

  bool compressed() const { return compressed_; }

  // Bytes buffered at the current position.
  size_t available() const { return end_ - pos_; }
  const uint8_t* data() const { return buf_.data() + pos_; }
  // Makes at least `n` bytes available at data() unless the stream ends first (or fails; see
  // failure()). Returns available(). Invalidates pointers previously returned by data().
  size_t ensure(size_t n) { return available() >= n ? available() : fill(n); }
  void consume(size_t n) { pos_ += n; }
  // Skips `n` bytes, reading through them without growing the window. Returns bytes skipped.
  uint64_t skip(uint64_t n);

  // Offset of data() in the decompressed stream.
  uint64_t offset() const { return base_offset_ + pos_; }
  // Why the stream ended early: empty at a clean end of file, else e.g. "compressed stream
  // truncated" or a read error. Set once ensure() returns short because of a fault.
  const std::string& failure() const { return failure_; }

 private:
  size_t fill(size_t n);
  // Appends decompressed (or plain) bytes at end_; returns false at end of stream or on failure.
  bool produce();
  bool read_input();
  // One read(2) of the file into [dst, dst + cap), retried on EINTR: the bytes read, or 0 at end
  // of file or on failure (in_eof_ set, failure_ set on error).
  size_t read_file(uint8_t* dst, size_t cap);
  bool produce_gzip();

  int fd_ = -1;
  bool compressed_ = false;
  bool eof_ = false;          // no more bytes will be produced
  std::string failure_;

  std::vector<uint8_t> buf_;  // the window; size() is its capacity
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t base_offset_ = 0;  // stream offset of buf_[0]

  // Raw file bytes not yet consumed (gzip input; for plain files, only the sniffed first chunk).
  std::vector<uint8_t> in_;
  size_t in_pos_ = 0;
  size_t in_end_ = 0;
  bool in_eof_ = false;

  struct Inflater;
  std::unique_ptr<Inflater> inflater_;
};

}  // namespace vigil::capture::detail
