#include "state/real_path_cache.h"

namespace vigil::inspect::detail {

RealPathCache::RealPathCache(size_t capacity) : capacity_(capacity) {}

const std::string* RealPathCache::find(const FileIdentity& id) {
  auto it = index_.find(id);
  if (it == index_.end()) return nullptr;
  Slot& slot = slots_[it->second];
  slot.referenced = true;
  return &slot.path;
}

void RealPathCache::put(const FileIdentity& id, std::string_view path) {
  if (capacity_ == 0 || path.size() > kMaxPathBytes) {
    erase(id);  // an older path for it would now be the wrong hint
    return;
  }
  if (auto it = index_.find(id); it != index_.end()) {
    slots_[it->second].path.assign(path);
    return;
  }
  uint32_t at;
  if (slots_.size() < capacity_) {
    if (slots_.empty()) index_.reserve(capacity_);
    at = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    // Erased slots are free; otherwise the first entry not used since the hand last passed.
    for (;;) {
      Slot& s = slots_[hand_];
      if (!s.used) break;
      if (!s.referenced) {
        index_.erase(s.id);
        s.used = false;
        ++evictions_;
        break;
      }
      s.referenced = false;
      hand_ = (hand_ + 1) % slots_.size();
    }
    at = static_cast<uint32_t>(hand_);
    hand_ = (hand_ + 1) % slots_.size();
  }
  Slot& slot = slots_[at];
  slot.id = id;
  slot.path.assign(path);
  slot.used = true;
  slot.referenced = false;
  index_.emplace(id, at);
}

void RealPathCache::erase(const FileIdentity& id) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  Slot& slot = slots_[it->second];
  slot.used = false;
  slot.referenced = false;
  index_.erase(it);
}

}  // namespace vigil::inspect::detail
