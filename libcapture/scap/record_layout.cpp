#include "scap/record_layout.h"

namespace vigil::capture::detail {

std::string index_params(const uint8_t* record, uint64_t available, uint32_t* offsets, uint32_t max_params) {
  if (available < EventView::kHeaderSize) return "event record shorter than its 26-byte header";
  const uint32_t len = load<uint32_t>(record + 16);
  const uint16_t type = load<uint16_t>(record + 20);
  const uint32_t nparams = load<uint32_t>(record + 22);
  if (len < EventView::kHeaderSize) return "event length " + std::to_string(len) + " below the header size";
  if (len > available) {
    return "event length " + std::to_string(len) + " exceeds the " + std::to_string(available) +
           " bytes of its block";
  }
  if (nparams > max_params) return "event has " + std::to_string(nparams) + " parameters, more than supported";
  const uint32_t lensize = param_len_size(type);
  const uint64_t data_start = EventView::kHeaderSize + uint64_t{nparams} * lensize;
  if (data_start > len) return "parameter length array runs past the event length";
  uint64_t pos = data_start;
  for (uint32_t i = 0; i < nparams; ++i) {
    offsets[i] = static_cast<uint32_t>(pos);
    const uint8_t* lp = record + EventView::kHeaderSize + uint64_t{i} * lensize;
    pos += lensize == 4 ? load<uint32_t>(lp) : load<uint16_t>(lp);
    if (pos > len) return "parameter " + std::to_string(i) + " runs past the event length";
  }
  offsets[nparams] = static_cast<uint32_t>(pos);
  return {};
}

}  // namespace vigil::capture::detail
