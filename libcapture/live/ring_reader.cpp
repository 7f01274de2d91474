#include "ring_reader.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace vigil::capture::live {
namespace {

// Record header written by the kernel in front of every sample (kernel/bpf/ringbuf.c).
constexpr uint32_t kBusyBit = 1u << 31;
constexpr uint32_t kDiscardBit = 1u << 30;
constexpr uint32_t kHeaderSize = 8;

uint64_t load_acquire(const uint64_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
uint32_t load_acquire(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
void store_release(uint64_t* p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

}  // namespace

RingReader::~RingReader() {
  if (consumer_page_) munmap(consumer_page_, page_);
  if (producer_) munmap(producer_, page_ + 2 * size_);
}

RingReader::RingReader(RingReader&& o) noexcept
    : consumer_page_(std::exchange(o.consumer_page_, nullptr)),
      producer_(std::exchange(o.producer_, nullptr)),
      size_(o.size_),
      page_(o.page_),
      pending_(o.pending_),
      cons_(o.cons_),
      published_(o.published_),
      prod_(o.prod_),
      publish_bytes_(o.publish_bytes_) {}

Status RingReader::map(int fd, size_t size) {
  page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_ = size;
  void* c = mmap(nullptr, page_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (c == MAP_FAILED) return Error{"cannot map a ring buffer's consumer page: " + std::string(strerror(errno))};
  consumer_page_ = static_cast<uint8_t*>(c);
  // The data area is mapped twice in a row, so a record that wraps around is contiguous.
  void* p = mmap(nullptr, page_ + 2 * size_, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(page_));
  if (p == MAP_FAILED) return Error{"cannot map a ring buffer's data pages: " + std::string(strerror(errno))};
  producer_ = static_cast<uint8_t*>(p);
  cons_ = published_ = load_acquire(reinterpret_cast<const uint64_t*>(consumer_page_));
  prod_ = cons_;
  // Small enough that a producer never waits long for space it could have, large enough that the
  // consumer position is written once per many small records.
  publish_bytes_ = std::min<size_t>(size_ / 8, 64 * 1024);
  return {};
}

const uint8_t* RingReader::peek(uint32_t& len) {
  const auto* producer_pos = reinterpret_cast<const uint64_t*>(producer_);
  const uint8_t* data = producer_ + page_;
  for (;;) {
    if (cons_ >= prod_) {
      prod_ = load_acquire(producer_pos);
      if (cons_ >= prod_) {
        publish();
        return nullptr;
      }
    }
    const uint8_t* hdr = data + (cons_ & (size_ - 1));
    const uint32_t word = load_acquire(reinterpret_cast<const uint32_t*>(hdr));
    if (word & kBusyBit) {
      publish();
      return nullptr;
    }
    const uint32_t rec_len = word & ~(kBusyBit | kDiscardBit);
    const uint64_t total = (static_cast<uint64_t>(rec_len) + kHeaderSize + 7) & ~uint64_t{7};
    if (word & kDiscardBit) {
      cons_ += total;
      continue;
    }
    pending_ = total;
    len = rec_len;
    return hdr + kHeaderSize;
  }
}

void RingReader::release() {
  cons_ += pending_;
  pending_ = 0;
  if (cons_ - published_ >= publish_bytes_) publish();
}

void RingReader::publish() {
  if (cons_ == published_) return;
  store_release(reinterpret_cast<uint64_t*>(consumer_page_), cons_);
  published_ = cons_;
}

}  // namespace vigil::capture::live
