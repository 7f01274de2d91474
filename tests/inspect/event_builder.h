// Builds single event records in the newest schema's layout for state tests: pick the event by
// name and direction, set the parameters a test cares about, leave the others empty.
#pragma once

#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/capture/event.h"
#include "vigil/capture/event_schema.h"

namespace vigil::test {

inline std::string enc_i64(int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }
inline std::string enc_u64(uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }
inline std::string enc_u32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
inline std::string enc_str(std::string_view s) { return std::string(s) + '\0'; }
// NUL-separated list (args, env, cgroups).
inline std::string enc_list(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto i : items) out += enc_str(i);
  return out;
}
// An IPv4 socket tuple: addresses as a.b.c.d bytes, ports in host order.
inline std::string enc_tuple4(std::array<uint8_t, 4> src, uint16_t sport, std::array<uint8_t, 4> dst, uint16_t dport) {
  std::string out(1, static_cast<char>(capture::kAfInet));
  out.append(reinterpret_cast<const char*>(src.data()), 4);
  out.append(reinterpret_cast<const char*>(&sport), 2);
  out.append(reinterpret_cast<const char*>(dst.data()), 4);
  out.append(reinterpret_cast<const char*>(&dport), 2);
  return out;
}

class TestEvent {
 public:
  TestEvent(std::string_view name, capture::Direction dir, int64_t tid, uint64_t ts = 1'000'000'000)
      : tid_(tid), ts_(ts) {
    // The newest (highest, not superseded) id of that name and direction.
    for (const auto& ev : capture::EventSchema::newest().events()) {
      if (ev.name == name && ev.direction == dir && !ev.has(capture::kOldVersion) && !ev.has(capture::kUnused))
        info_ = &ev;
    }
    if (!info_) throw std::runtime_error("no event " + std::string(name));
    params_.resize(info_->params.size());
  }
  TestEvent& set(std::string_view name, std::string bytes) {
    for (size_t i = 0; i < info_->params.size(); ++i) {
      if (info_->params[i].name == name) {
        params_[i] = std::move(bytes);
        return *this;
      }
    }
    throw std::runtime_error("no parameter " + std::string(name) + " in " + std::string(info_->name));
  }
  // Keeps only the first `n` parameters (an older, shorter layout).
  TestEvent& truncate(size_t n) {
    params_.resize(n);
    return *this;
  }

  // The record; the view stays valid while this object lives and is not rebuilt.
  capture::EventView view(uint64_t num = 1) {
    const uint32_t lensize = info_->has(capture::kLargePayload) ? 4 : 2;
    const uint32_t n = static_cast<uint32_t>(params_.size());
    uint32_t len = capture::EventView::kHeaderSize + n * lensize;
    for (const auto& p : params_) len += static_cast<uint32_t>(p.size());
    bytes_.assign(len, 0);
    uint8_t* r = bytes_.data();
    const uint16_t type = info_->id;
    std::memcpy(r, &ts_, 8);
    std::memcpy(r + 8, &tid_, 8);
    std::memcpy(r + 16, &len, 4);
    std::memcpy(r + 20, &type, 2);
    std::memcpy(r + 22, &n, 4);
    offsets_.assign(n + 1, 0);
    uint32_t at = capture::EventView::kHeaderSize + n * lensize;
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t size = static_cast<uint32_t>(params_[i].size());
      std::memcpy(r + capture::EventView::kHeaderSize + i * lensize, &size, lensize);
      std::memcpy(r + at, params_[i].data(), size);
      offsets_[i] = at;
      at += size;
    }
    offsets_[n] = at;
    return capture::EventView(r, offsets_.data(), 0, 0, num, info_);
  }

 private:
  const capture::EventInfo* info_ = nullptr;
  int64_t tid_;
  uint64_t ts_;
  std::vector<std::string> params_;
  std::vector<uint8_t> bytes_;
  std::vector<uint32_t> offsets_;
};

}  // namespace vigil::test
