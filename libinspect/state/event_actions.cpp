#include "state/event_actions.h"

#include <string_view>

#include "vigil/capture/metadata.h"

namespace vigil::inspect::detail {
namespace {

using capture::Direction;
using capture::FdType;
using capture::ParamType;

EventAction action_for(const capture::EventInfo& ev) {
  EventAction a;
  const std::string_view n = ev.name;
  // The fd the event refers to: a created fd is the result (first param), otherwise the first
  // parameter called "fd", otherwise the first fd-typed parameter.
  const bool creates = ev.has(capture::kCreatesFd) && ev.direction == Direction::Exit;
  for (size_t i = 0; i < ev.params.size() && a.fd_param < 0; ++i) {
    if (ev.params[i].name == "fd") a.fd_param = static_cast<int8_t>(i);
  }
  if (creates && !ev.params.empty() &&
      (ev.params[0].type == ParamType::Fd || ev.params[0].name == "res" || ev.params[0].name == "fd")) {
    a.fd_param = 0;
    a.fd_is_result = true;
  }
  if (a.fd_param < 0 && (ev.has(capture::kUsesFd) || ev.has(capture::kDestroysFd))) {
    for (size_t i = 0; i < ev.params.size(); ++i) {
      if (ev.params[i].type == ParamType::Fd && ev.params[i].name != "res") {
        a.fd_param = static_cast<int8_t>(i);
        break;
      }
    }
  }
  if (!ev.has(capture::kUsesFd) && !ev.has(capture::kCreatesFd) && !ev.has(capture::kDestroysFd)) {
    a.fd_param = -1;
  }
  if (ev.direction == Direction::Enter) {
    if (n == "procexit") a.action = StateAction::ProcExit;
    if (n == "connect") a.action = StateAction::ConnectEnter;
    if (n == "switch") a.action = StateAction::Switch;
    if (n == "procinfo") a.action = StateAction::ProcInfo;
    return a;
  }
  auto single = [&](FdType t) {
    a.action = StateAction::SingleFd;
    a.fd_type = static_cast<uint8_t>(t);
  };
  if (n == "clone" || n == "fork" || n == "vfork" || n == "clone3") a.action = StateAction::Clone;
  else if (n == "execve" || n == "execveat") a.action = StateAction::Execve;
  else if (n == "procexit") a.action = StateAction::ProcExit;
  else if (n == "open" || n == "openat" || n == "openat2" || n == "creat" || n == "open_by_handle_at")
    a.action = StateAction::Open;
  else if (n == "socket") a.action = StateAction::Socket;
  else if (n == "bind") a.action = StateAction::Bind;
  else if (n == "connect") a.action = StateAction::Connect;
  else if (n == "accept" || n == "accept4") a.action = StateAction::Accept;
  else if (n == "sendto" || n == "sendmsg" || n == "recvfrom" || n == "recvmsg") a.action = StateAction::SocketIo;
  else if (n == "socketpair") a.action = StateAction::SocketPair;
  else if (n == "pipe" || n == "pipe2") a.action = StateAction::Pipe;
  else if (n == "eventfd" || n == "eventfd2") single(FdType::Event);
  else if (n == "signalfd" || n == "signalfd4") single(FdType::SignalFd);
  else if (n == "timerfd_create") single(FdType::TimerFd);
  else if (n == "inotify_init" || n == "inotify_init1") single(FdType::Inotify);
  else if (n == "epoll_create" || n == "epoll_create1") single(FdType::EventPoll);
  else if (n == "userfaultfd") single(FdType::UserFaultFd);
  else if (n == "io_uring_setup") single(FdType::IoUring);
  else if (n == "bpf") single(FdType::Bpf);
  else if (n == "pidfd_open") single(FdType::PidFd);
  else if (n == "memfd_create") a.action = StateAction::Memfd;
  else if (n == "dup" || n == "dup2" || n == "dup3") a.action = StateAction::Dup;
  else if (n == "fcntl") a.action = StateAction::Fcntl;
  else if (n == "close") a.action = StateAction::Close;
  else if (n == "close_range") a.action = StateAction::CloseRange;
  else if (n == "pidfd_getfd") a.action = StateAction::PidfdGetfd;
  else if (n == "chdir") a.action = StateAction::Chdir;
  else if (n == "fchdir") a.action = StateAction::Fchdir;
  else if (n == "chroot") a.action = StateAction::Chroot;
  else if (n == "setuid" || n == "setreuid" || n == "setresuid") a.action = StateAction::SetUid;
  else if (n == "setgid" || n == "setregid" || n == "setresgid") a.action = StateAction::SetGid;
  else if (n == "setsid") a.action = StateAction::SetSid;
  else if (n == "setpgid") a.action = StateAction::SetPgid;
  else if (n == "prctl") a.action = StateAction::Prctl;
  else if (n == "capset") a.action = StateAction::Capset;
  return a;
}

std::vector<EventAction> build() {
  const auto& schema = capture::EventSchema::newest();
  std::vector<EventAction> out(schema.size());
  for (const auto& ev : schema.events()) out[ev.id] = action_for(ev);
  return out;
}

}  // namespace

const std::vector<EventAction>& event_actions() {
  static const std::vector<EventAction> table = build();  // immutable after first use
  return table;
}

}  // namespace vigil::inspect::detail
