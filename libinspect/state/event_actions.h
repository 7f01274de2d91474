// What each event id means to the state: one action per id, worked out once from the schema so
// the per-event dispatch is a table load and a switch. Internal to libinspect.
#pragma once

#include <cstdint>
#include <vector>

#include "vigil/capture/event_schema.h"

namespace vigil::inspect::detail {

enum class StateAction : uint8_t {
  None,
  Clone,        // clone/fork/vfork/clone3 exit (both sides)
  Execve,       // execve/execveat exit
  ProcExit,
  Open,         // open/openat/openat2/creat/open_by_handle_at exit
  Socket,
  Bind,
  Connect,
  ConnectEnter, // connect enter: the destination before the kernel acts
  SocketIo,     // sendto/sendmsg/recvfrom/recvmsg exit: datagram peers
  Accept,
  SocketPair,
  Pipe,
  SingleFd,     // eventfd/signalfd/timerfd/inotify/epoll/userfaultfd/io_uring/bpf/pidfd_open: new fd of one type
  Memfd,
  Dup,          // dup/dup2/dup3
  Fcntl,
  Close,
  CloseRange,
  PidfdGetfd,
  Chdir,
  Fchdir,
  Chroot,
  SetUid,       // setuid/setreuid/setresuid
  SetGid,
  SetSid,
  SetPgid,
  Prctl,
  Capset,
  Switch,       // context switch (enter-only): CPU time of the thread switched away from
  ProcInfo,     // procinfo (enter-only): a thread's user/system CPU counters
};

struct EventAction {
  StateAction action = StateAction::None;
  uint8_t fd_type = 0;      // SingleFd: the capture::FdType it creates
  int8_t fd_param = -1;     // index of the parameter naming the fd the event uses or creates
  bool fd_is_result = false;  // the fd param is the syscall's result (a new fd)
};

// Indexed by event id (newest schema).
const std::vector<EventAction>& event_actions();

}  // namespace vigil::inspect::detail
