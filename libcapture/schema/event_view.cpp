#include <algorithm>

#include "vigil/capture/event.h"

namespace vigil::capture {

uint64_t ParamView::as_u64() const {
  uint64_t v = 0;
  if (size_ == 0) return v;  // a default view has no data pointer; memcpy must not see it
  std::memcpy(&v, data_, std::min<uint32_t>(size_, 8));
  return v;
}

int64_t ParamView::as_i64() const {
  switch (size_) {
    case 1: return static_cast<int8_t>(data_[0]);
    case 2: return load<int16_t>(data_);
    case 4: return load<int32_t>(data_);
    case 0: return 0;
    default: return static_cast<int64_t>(as_u64());
  }
}

std::string_view ParamView::as_string() const {
  if (size_ == 0) return {};
  const char* p = reinterpret_cast<const char*>(data_);
  const void* nul = std::memchr(p, 0, size_);
  return {p, nul ? static_cast<size_t>(static_cast<const char*>(nul) - p) : size_};
}

bool ParamView::is_null_string() const { return size_ == 0 || as_string() == "(NULL)"; }

SockAddr ParamView::as_sockaddr() const {
  SockAddr out;
  if (size_ == 0) return out;
  const uint8_t family = data_[0];
  if (family == kAfInet && size_ >= 7) {
    std::memcpy(out.addr.data(), data_ + 1, 4);
    out.port = load<uint16_t>(data_ + 5);
  } else if (family == kAfInet6 && size_ >= 19) {
    std::memcpy(out.addr.data(), data_ + 1, 16);
    out.port = load<uint16_t>(data_ + 17);
  } else if (family == kAfUnix) {
    out.unix_path = ParamView(data_ + 1, size_ - 1).as_string();
  } else {
    return out;
  }
  out.family = family;
  return out;
}

SockTuple ParamView::as_socktuple() const {
  SockTuple out;
  if (size_ == 0) return out;
  const uint8_t family = data_[0];
  if (family == kAfInet && size_ >= 13) {
    std::memcpy(out.src_addr.data(), data_ + 1, 4);
    out.src_port = load<uint16_t>(data_ + 5);
    std::memcpy(out.dst_addr.data(), data_ + 7, 4);
    out.dst_port = load<uint16_t>(data_ + 11);
  } else if (family == kAfInet6 && size_ >= 37) {
    std::memcpy(out.src_addr.data(), data_ + 1, 16);
    out.src_port = load<uint16_t>(data_ + 17);
    std::memcpy(out.dst_addr.data(), data_ + 19, 16);
    out.dst_port = load<uint16_t>(data_ + 35);
  } else if (family == kAfUnix && size_ >= 17) {
    out.unix_src = load<uint64_t>(data_ + 1);
    out.unix_dst = load<uint64_t>(data_ + 9);
    out.unix_path = ParamView(data_ + 17, size_ - 17).as_string();
  } else {
    return out;
  }
  out.family = family;
  return out;
}

uint16_t ParamView::fdlist_count() const { return size_ >= 2 ? load<uint16_t>(data_) : 0; }

bool ParamView::fdlist_entry(uint16_t i, int64_t& fd, int16_t& flags) const {
  const uint64_t off = 2 + uint64_t{i} * 10;
  if (i >= fdlist_count() || off + 10 > size_) return false;
  fd = load<int64_t>(data_ + off);
  flags = load<int16_t>(data_ + off + 8);
  return true;
}

int EventView::param_index(std::string_view name) const {
  if (!info_) return -1;
  for (size_t i = 0; i < info_->params.size(); ++i)
    if (info_->params[i].name == name) return static_cast<int>(i);
  return -1;
}

ParamView EventView::param(std::string_view name) const {
  const int i = param_index(name);
  return i < 0 ? ParamView() : param(static_cast<uint32_t>(i));
}

}  // namespace vigil::capture
