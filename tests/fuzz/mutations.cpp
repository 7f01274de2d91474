#include <cstring>
#include <random>

#include "fuzz_io.h"

namespace vigil::fuzz {
namespace {

void put_u32(Bytes& b, size_t at, uint32_t v) {
  if (at + 4 <= b.size()) std::memcpy(b.data() + at, &v, 4);
}

}  // namespace

void for_each_mutation(const Bytes& seed, bool is_capture, size_t budget, const std::function<void(const Bytes&)>& fn) {
  const size_t n = seed.size();
  if (n == 0) return;
  Bytes m;
  for (size_t i = 0; i < budget; ++i) {  // bit flips spread over the input
    m = seed;
    m[i * n / budget] ^= static_cast<uint8_t>(1u << (i % 8));
    fn(m);
  }
  std::vector<size_t> cuts;
  if (is_capture) {
    const std::vector<size_t> offs = block_offsets(seed);
    const size_t step = offs.size() > 4 * budget ? offs.size() / (4 * budget) : 1;
    for (size_t i = 0; i < offs.size(); i += step) {
      cuts.push_back(offs[i]);
      if (offs[i] > 0) cuts.push_back(offs[i] - 1);
      cuts.push_back(offs[i] + 6);  // inside the length field
      cuts.push_back(offs[i] + 13);
      // Length-field corruptions of this block.
      uint32_t len = 0;
      if (offs[i] + 8 <= n) std::memcpy(&len, seed.data() + offs[i] + 4, 4);
      for (uint32_t bad : {0u, 4u, 12u, len - 4, len + 4, len * 2, 0x7ffffff0u, 0xffffffffu}) {
        m = seed;
        put_u32(m, offs[i] + 4, bad);
        fn(m);
      }
      // The first field of the body: an event block's cpu/flags, a metadata block's count.
      m = seed;
      put_u32(m, offs[i] + 8, 0xffffffffu);
      fn(m);
      // An event record's len (after the 2-byte cpu) and nparams.
      m = seed;
      put_u32(m, offs[i] + 8 + 2 + 16, 0xfffffff0u);
      fn(m);
      m = seed;
      put_u32(m, offs[i] + 8 + 2 + 22, 0x00010000u);
      fn(m);
    }
  } else {
    for (size_t i = 0; i < budget; ++i) {
      cuts.push_back(i * n / budget);
      m = seed;  // u16 and u32 length-like fields anywhere
      const size_t at = (i * 7919) % n;
      for (uint32_t bad : {0xffffu, 0xffffffffu, 0x10000u}) {
        m = seed;
        if (bad <= 0xffff && at + 2 <= n) std::memcpy(m.data() + at, &bad, 2);
        else put_u32(m, at, bad);
        fn(m);
      }
    }
  }
  for (size_t cut : cuts) {
    if (cut < n) fn(Bytes(seed.begin(), seed.begin() + static_cast<std::ptrdiff_t>(cut)));
  }
  std::mt19937 rng(20261125);
  for (size_t i = 0; i < budget / 4 + 1; ++i) {  // random overwrites of a short run
    m = seed;
    const size_t at = rng() % n;
    for (size_t k = at; k < std::min(n, at + 1 + rng() % 32); ++k) m[k] = static_cast<uint8_t>(rng());
    fn(m);
  }
  for (size_t i = 0; i < budget / 8 + 1; ++i) {  // random bytes, keeping the seed's first block
    m.assign(seed.begin(), seed.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(n, 28)));
    const size_t extra = rng() % 4096;
    for (size_t k = 0; k < extra; ++k) m.push_back(static_cast<uint8_t>(rng()));
    fn(m);
  }
}

}  // namespace vigil::fuzz
