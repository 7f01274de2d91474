#include "ring_reader.h"

#include <sys/mman.h>
#include <unistd.h>

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
      pending_(o.pending_) {}

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
  return {};
}

const uint8_t* RingReader::peek(uint32_t& len) {
  auto* consumer_pos = reinterpret_cast<uint64_t*>(consumer_page_);
  const auto* producer_pos = reinterpret_cast<const uint64_t*>(producer_);
  const uint8_t* data = producer_ + page_;
  uint64_t cons = *consumer_pos;
  for (;;) {
    const uint64_t prod = load_acquire(producer_pos);
    if (cons >= prod) return nullptr;
    const uint8_t* hdr = data + (cons & (size_ - 1));
    const uint32_t word = load_acquire(reinterpret_cast<const uint32_t*>(hdr));
    if (word & kBusyBit) return nullptr;
    const uint32_t rec_len = word & ~(kBusyBit | kDiscardBit);
    const uint64_t total = (static_cast<uint64_t>(rec_len) + kHeaderSize + 7) & ~uint64_t{7};
    if (word & kDiscardBit) {
      cons += total;
      store_release(consumer_pos, cons);
      continue;
    }
    pending_ = total;
    len = rec_len;
    return hdr + kHeaderSize;
  }
}

void RingReader::release() {
  auto* consumer_pos = reinterpret_cast<uint64_t*>(consumer_page_);
  store_release(consumer_pos, *consumer_pos + pending_);
  pending_ = 0;
}

}  // namespace vigil::capture::live
