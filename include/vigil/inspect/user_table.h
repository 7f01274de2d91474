// Users and groups by id: from a capture's user list, or the live host's databases (a live
// source puts them in the same CaptureMetadata). Not thread-safe.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "vigil/capture/metadata.h"

namespace vigil::inspect {

class UserTable {
 public:
  void seed(const capture::CaptureMetadata& meta);
  const capture::UserInfo* user(uint32_t uid) const;
  const capture::GroupInfo* group(uint32_t gid) const;
  // Whether any user list was seeded at all (sysdig shows nothing for user.* without one).
  bool has_users() const { return !users_.empty(); }
  void add_user(capture::UserInfo u) { users_[u.uid] = std::move(u); }
  void add_group(capture::GroupInfo g) { groups_[g.gid] = std::move(g); }

 private:
  std::unordered_map<uint32_t, capture::UserInfo> users_;
  std::unordered_map<uint32_t, capture::GroupInfo> groups_;
};

}  // namespace vigil::inspect
