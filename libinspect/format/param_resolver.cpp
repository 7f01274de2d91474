// Parameter resolutions from state: what sysdig shows in parentheses after fds, pids, uids.
#include "state/inspector_impl.h"

namespace vigil::inspect {

namespace {

char l4_char(const FdState& fd) {
  // Like libsinsp: a socket's protocol is only shown once its role is known (or it is raw).
  if (fd.l4proto != L4Proto::Raw && fd.role == FdState::Role::None &&
      fd.type != capture::FdType::Ipv4ServSock && fd.type != capture::FdType::Ipv6ServSock)
    return 0;
  switch (fd.l4proto) {
    case L4Proto::Tcp: return 't';
    case L4Proto::Udp: return 'u';
    case L4Proto::Icmp: return 'i';
    case L4Proto::Raw: return 'r';
    case L4Proto::Unknown: break;
  }
  return 0;
}

}  // namespace

const FdState* StateParamResolver::find_fd(int64_t tid, int64_t fd) const {
  const ThreadState* t = threads_.find(tid);
  return t ? t->files->fds.find(fd) : nullptr;
}

bool StateParamResolver::fd_name(int64_t tid, int64_t fd, capture::TextBuffer& out) const {
  const FdState* st = find_fd(tid, fd);
  if (!st) return false;
  out.push_back('<');
  out.push_back(st->type_char());
  if (st->is_ipv4() || st->is_ipv6()) {
    if (char c = l4_char(*st)) out.push_back(c);
  }
  out.push_back('>');
  out.append(st->name);
  return true;
}

char StateParamResolver::fd_type_char(int64_t tid, int64_t fd) const {
  const FdState* st = find_fd(tid, fd);
  return st ? st->type_char() : 0;
}

bool StateParamResolver::thread_comm(int64_t tid, capture::TextBuffer& out) const {
  const ThreadState* t = threads_.find(tid);
  if (!t || t->placeholder) return false;
  out.append(t->comm);
  return true;
}

bool StateParamResolver::user_name(int64_t, uint32_t uid, capture::TextBuffer& out) const {
  const capture::UserInfo* u = users_.user(uid);
  if (!u) return false;
  out.append(u->name);
  return true;
}

bool StateParamResolver::group_name(int64_t, uint32_t gid, capture::TextBuffer& out) const {
  const capture::GroupInfo* g = users_.group(gid);
  if (!g) return false;
  out.append(g->name);
  return true;
}

bool StateParamResolver::base_dir(int64_t tid, int64_t dirfd, capture::TextBuffer& out) const {
  const ThreadState* t = threads_.find(tid);
  if (!t) return false;
  if (dirfd == capture::kAtFdCwd) {
    out.append(t->files->cwd);
    return true;
  }
  const FdState* d = t->files->fds.find(dirfd);
  if (!d) return false;
  out.append(d->name);
  if (d->name.empty() || d->name.back() != '/') out.push_back('/');
  return true;
}

}  // namespace vigil::inspect
