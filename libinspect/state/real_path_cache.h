// The inspector-wide memory behind fd.realpath: which path last named a file, so that the next
// open of the same file costs one check instead of a lookup. Internal to libinspect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil::inspect::detail {

// A file as the driver identifies it: the device in userspace encoding (new_encode_dev) and the
// inode number.
struct FileIdentity {
  uint32_t dev = 0;
  uint64_t ino = 0;
  bool operator==(const FileIdentity&) const = default;
};

struct FileIdentityHash {
  size_t operator()(const FileIdentity& id) const { return std::hash<uint64_t>()(id.ino * 0x9e3779b97f4a7c15ull ^ id.dev); }
};

// (dev, ino) -> the resolved path (relative to the root it was found in) that reached that file
// last. An entry is a hint, never an answer: inode numbers are reused after deletion and names
// move, so the caller proves the path still reaches the file before using it.
//
// At most `capacity` entries of at most kMaxPathBytes each (longer paths are not kept), so the
// memory is bounded by about capacity * (kMaxPathBytes + 64) bytes; slots and their strings are
// reused, a lookup never allocates. Replacement is CLOCK (second chance): a hit marks its entry,
// the hand passing a marked entry clears the mark, an unmarked one is replaced.
//
// One thread at a time (the inspector's).
class RealPathCache {
 public:
  static constexpr size_t kMaxPathBytes = 1024;

  explicit RealPathCache(size_t capacity);

  // The path last stored for `id`, marked as recently used; nullptr when none. Valid until the
  // next put() or erase().
  const std::string* find(const FileIdentity& id);
  // Stores `path` for `id`, replacing an older path for it or, when full, the entry the clock
  // hand picks. Ignored when the capacity is 0 or the path is longer than kMaxPathBytes.
  void put(const FileIdentity& id, std::string_view path);
  void erase(const FileIdentity& id);

  uint64_t evictions() const { return evictions_; }

 private:
  struct Slot {
    FileIdentity id;
    std::string path;
    bool used = false;
    bool referenced = false;
  };

  size_t capacity_;
  std::vector<Slot> slots_;  // grows up to capacity_, then slots are recycled
  std::unordered_map<FileIdentity, uint32_t, FileIdentityHash> index_;
  size_t hand_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace vigil::inspect::detail
