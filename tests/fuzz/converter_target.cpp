// Target (b): the normalizing EventConverter on arbitrary record sequences.
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_io.h"
#include "scap/event_converter.h"
#include "scap/record_layout.h"

namespace vigil::fuzz {

int event_converter(const uint8_t* data, size_t size) {
  using capture::EventView;
  using capture::detail::EventConverter;
  constexpr uint32_t kMaxParams = 32768;
  static std::vector<uint32_t> offsets(kMaxParams + 1);
  // A small thread limit so slot eviction is reached by short inputs too.
  EventConverter converter(size > 0 && (data[0] & 1) ? 4 : EventConverter::kDefaultMaxThreads);
  std::string message;
  size_t pos = 0;
  uint64_t sum = 0;
  while (size - pos >= EventView::kHeaderSize) {
    const uint8_t* record = data + pos;
    uint32_t len;
    std::memcpy(&len, record + 16, 4);
    const size_t step = len < EventView::kHeaderSize || len > size - pos ? size - pos : len;
    pos += step;
    if (!capture::detail::index_params(record, step, offsets.data(), kMaxParams).empty()) continue;
    std::span<const uint8_t> out;
    message.clear();
    const auto outcome = converter.convert({record, len}, out, message);
    if (outcome == EventConverter::Outcome::Failed) {
      if (message.empty()) violation("converter failed without a message");
      converter.reset();
      continue;
    }
    if (outcome != EventConverter::Outcome::Converted) continue;
    // A converted record must itself be a valid record of its own length.
    if (out.size() < EventView::kHeaderSize) violation("converted record shorter than a header");
    const std::string err = capture::detail::index_params(out.data(), out.size(), offsets.data(), kMaxParams);
    if (!err.empty()) violation("converter produced an invalid record: " + err);
    uint32_t out_len;
    std::memcpy(&out_len, out.data() + 16, 4);
    if (out_len != out.size()) violation("converted record length differs from its span");
    for (uint8_t b : out) sum += b;
  }
  if (converter.thread_slots() > EventConverter::kDefaultMaxThreads) violation("thread slots past the limit");
  return sum == 0 ? 0 : 0;  // `sum` keeps the reads of the converted bytes from being optimized out
}

}  // namespace vigil::fuzz
