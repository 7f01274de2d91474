// user.*, group.*, container.* and k8s.* fields.
#include "fields/extract_util.h"

namespace vigil::inspect::detail {

bool extract_user(FieldId id, const FieldArg&, const EventContext& ctx, FieldValues& out) {
  const ThreadState* t = ctx.thread();
  if (!t) return false;
  const UserTable& users = ctx.inspector().users();
  switch (id) {
    case FieldId::kUserUid: return t->uid != 0xFFFFFFFFu && put_u64(out, t->uid, FieldType::Uint32);
    case FieldId::kUserName:
    case FieldId::kUserHomedir:
    case FieldId::kUserShell: {
      const capture::UserInfo* u = users.user(t->uid);
      if (!u) return false;
      if (id == FieldId::kUserName) return put_str(out, u->name);
      return put_str(out, id == FieldId::kUserHomedir ? std::string_view(u->homedir) : std::string_view(u->shell));
    }
    case FieldId::kUserLoginuid:
      return put_i64(out, t->loginuid == 0xFFFFFFFFu ? -1 : static_cast<int64_t>(t->loginuid));
    case FieldId::kUserLoginname: {
      if (t->loginuid == 0xFFFFFFFFu) return false;
      const capture::UserInfo* u = users.user(t->loginuid);
      return u && put_str(out, u->name);
    }
    case FieldId::kGroupGid: return t->gid != 0xFFFFFFFFu && put_u64(out, t->gid, FieldType::Uint32);
    case FieldId::kGroupName: {
      const capture::GroupInfo* g = users.group(t->gid);
      return g && put_str(out, g->name);
    }
    default:
      return false;
  }
}

bool extract_container(FieldId, const FieldArg&, const EventContext&, FieldValues&) {
  // Container metadata arrives with the container provider (include/vigil/inspect/container.h).
  return false;
}

}  // namespace vigil::inspect::detail
