// Reads one BPF ring buffer through its memory mappings, without libbpf's callback API, so the
// live source can look at the next record (peek), hand it out in place, and release it later.
//
// One thread at a time (the BPF ring buffer has a single consumer position).
#pragma once

#include <cstddef>
#include <cstdint>

#include "vigil/common/result.h"

namespace vigil::capture::live {

class RingReader {
 public:
  RingReader() = default;
  ~RingReader();
  RingReader(RingReader&& other) noexcept;
  RingReader& operator=(RingReader&&) = delete;
  RingReader(const RingReader&) = delete;

  // Maps the ring buffer behind `fd` (a BPF_MAP_TYPE_RINGBUF of `size` data bytes).
  Status map(int fd, size_t size);

  // The next committed record, or nullptr when the buffer is empty (or the producer is still
  // writing the next one). Records stay valid until release().
  const uint8_t* peek(uint32_t& len);
  // Consumes the record peek() returned.
  void release();
  // Hands every released record's space back to the producer now.
  void publish();

 private:
  uint8_t* consumer_page_ = nullptr;
  uint8_t* producer_ = nullptr;   // producer page followed by the (double-mapped) data pages
  size_t size_ = 0;
  size_t page_ = 0;
  uint64_t pending_ = 0;          // bytes of the peeked record including header and padding
  // The producer and consumer positions live on cache lines the other side writes. Reading the
  // producer position once per batch and publishing the consumer position once per
  // kPublishBytes (or when the ring runs empty) keeps those lines from bouncing between the
  // producing CPU and the consumer on every record.
  uint64_t cons_ = 0;             // consumer position, ahead of the published one
  uint64_t published_ = 0;        // consumer position the producer sees
  uint64_t prod_ = 0;             // producer position last read
  uint64_t publish_bytes_ = 0;
};

}  // namespace vigil::capture::live
