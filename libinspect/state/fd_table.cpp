#include "vigil/inspect/fd_table.h"

namespace vigil::inspect {

using capture::FdType;

bool FdState::is_ipv4() const { return type == FdType::Ipv4Sock || type == FdType::Ipv4ServSock; }
bool FdState::is_ipv6() const { return type == FdType::Ipv6Sock || type == FdType::Ipv6ServSock; }
bool FdState::is_socket() const { return is_ipv4() || is_ipv6() || type == FdType::UnixSock || type == FdType::Netlink; }

char FdState::type_char() const {
  switch (type) {
    case FdType::File: case FdType::FileV2: return 'f';
    case FdType::Directory: return 'd';
    case FdType::Ipv4Sock: case FdType::Ipv4ServSock: return '4';
    case FdType::Ipv6Sock: case FdType::Ipv6ServSock: return '6';
    case FdType::Fifo: return 'p';
    case FdType::UnixSock: return 'u';
    case FdType::Event: return 'e';
    case FdType::Unsupported: return 'X';
    case FdType::SignalFd: return 's';
    case FdType::EventPoll: return 'l';
    case FdType::Inotify: return 'i';
    case FdType::TimerFd: return 't';
    case FdType::Netlink: return 'n';
    case FdType::Bpf: return 'b';
    case FdType::UserFaultFd: return 'u';
    case FdType::IoUring: return 'r';
    case FdType::Memfd: return 'm';
    case FdType::PidFd: return 'P';
    case FdType::Unknown: break;
  }
  return 'o';
}

std::string_view FdState::type_name() const {
  switch (type) {
    case FdType::File: case FdType::FileV2: return "file";
    case FdType::Directory: return "directory";
    case FdType::Ipv4Sock: case FdType::Ipv4ServSock: return "ipv4";
    case FdType::Ipv6Sock: case FdType::Ipv6ServSock: return "ipv6";
    case FdType::UnixSock: return "unix";
    case FdType::Fifo: return "pipe";
    case FdType::Event: return "event";
    case FdType::SignalFd: return "signalfd";
    case FdType::EventPoll: return "eventpoll";
    case FdType::Inotify: return "inotify";
    case FdType::TimerFd: return "timerfd";
    case FdType::Netlink: return "netlink";
    case FdType::Bpf: return "bpf";
    case FdType::UserFaultFd: return "userfaultfd";
    case FdType::IoUring: return "io_uring";
    case FdType::Memfd: return "memfd";
    case FdType::PidFd: return "pidfd";
    case FdType::Unsupported: case FdType::Unknown: break;
  }
  return "<NA>";
}

void FdState::reset() {
  std::string keep_name = std::move(name), keep_raw = std::move(nameraw), keep_real = std::move(realpath);
  *this = FdState{};
  keep_name.clear();
  keep_raw.clear();
  keep_real.clear();
  name = std::move(keep_name);
  nameraw = std::move(keep_raw);
  realpath = std::move(keep_real);
}

const FdState* FdTable::find(int64_t fd) const { return const_cast<FdTable*>(this)->find(fd); }

FdState* FdTable::find(int64_t fd) {
  if (fd < 0) return nullptr;
  if (fd < kDenseLimit) {
    if (static_cast<size_t>(fd) >= dense_.size()) return nullptr;
    FdState& s = dense_[fd];
    return s.in_use() ? &s : nullptr;
  }
  auto it = sparse_.find(fd);
  return it == sparse_.end() ? nullptr : &it->second;
}

FdState* FdTable::open(int64_t fd, size_t max_fds) {
  if (fd < 0) return nullptr;
  FdState* existing = find(fd);
  if (!existing && count_ >= max_fds) return nullptr;
  FdState* slot;
  if (fd < kDenseLimit) {
    if (static_cast<size_t>(fd) >= dense_.size()) dense_.resize(static_cast<size_t>(fd) + 1);
    slot = &dense_[fd];
  } else {
    slot = &sparse_[fd];
  }
  if (!existing) ++count_;
  slot->reset();
  slot->fd = fd;
  return slot;
}

bool FdTable::close(int64_t fd) {
  FdState* s = find(fd);
  if (!s) return false;
  --count_;
  if (fd < kDenseLimit) {
    s->reset();
  } else {
    sparse_.erase(fd);
  }
  return true;
}

void FdTable::clear() {
  dense_.clear();
  sparse_.clear();
  count_ = 0;
}

}  // namespace vigil::inspect
