#include "vigil/inspect/user_table.h"

namespace vigil::inspect {

void UserTable::seed(const capture::CaptureMetadata& meta) {
  users_.clear();
  groups_.clear();
  for (const auto& u : meta.users) users_[u.uid] = u;
  for (const auto& g : meta.groups) groups_[g.gid] = g;
}

const capture::UserInfo* UserTable::user(uint32_t uid) const {
  auto it = users_.find(uid);
  return it == users_.end() ? nullptr : &it->second;
}

const capture::GroupInfo* UserTable::group(uint32_t gid) const {
  auto it = groups_.find(gid);
  return it == groups_.end() ? nullptr : &it->second;
}

}  // namespace vigil::inspect
