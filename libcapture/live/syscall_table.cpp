#include "syscall_table.h"

#include <algorithm>
#include <initializer_list>

namespace vigil::capture::live {
namespace {

constexpr SyscallInfo kSyscalls[] = {
#include "syscall_numbers_x86_64.inc"
};

// Recipe entries, named after what they read. Arguments are 0-based syscall argument indexes.
struct P {
  uint8_t kind;
  uint8_t arg = 0;
  uint8_t arg2 = 0;
};
constexpr P kRet{VK_RET};
constexpr P Fd(uint8_t a) { return {VK_ARG_FD, a}; }
constexpr P U64(uint8_t a) { return {VK_ARG_64, a}; }
constexpr P U32(uint8_t a) { return {VK_ARG_32, a}; }
constexpr P U16(uint8_t a) { return {VK_ARG_16, a}; }
constexpr P U8(uint8_t a) { return {VK_ARG_8, a}; }
constexpr P Str(uint8_t a) { return {VK_ARG_STR, a}; }
constexpr P OpenFlags(uint8_t a) { return {VK_OPEN_FLAGS, a}; }
// Exit events: the flags plus the overlayfs layer of the opened file.
constexpr P OpenFlagsLayer(uint8_t a) { return {VK_OPEN_FLAGS, a, 1}; }
constexpr P OpenMode(uint8_t mode_arg, uint8_t flags_arg) { return {VK_OPEN_MODE, mode_arg, flags_arg}; }
constexpr P DevOfRet{VK_FD_DEV, VIGIL_FD_FROM_RET};
constexpr P InoOfRet{VK_FD_INO, VIGIL_FD_FROM_RET};
constexpr P SockAddr(uint8_t a, uint8_t len) { return {VK_SOCKADDR, a, len}; }
constexpr P TupleOfFd(uint8_t a) { return {VK_SOCKTUPLE, a, 0}; }
// Tuple of fd argument `a`; the peer from user sockaddr argument `addr` when not connected; the
// peer first for received data, like the reference drivers.
constexpr P TupleSent(uint8_t a, uint8_t addr) { return {VK_SOCKTUPLE, a, static_cast<uint8_t>((addr + 1) << 1)}; }
constexpr P TupleReceived(uint8_t a, uint8_t addr) {
  return {VK_SOCKTUPLE, a, static_cast<uint8_t>((addr + 1) << 1 | 1)};
}
constexpr P TupleOfRetPeerFirst{VK_SOCKTUPLE, VIGIL_FD_FROM_RET, 1};
constexpr P DataRet(uint8_t a) { return {VK_DATA_RET, a}; }
constexpr P DataLen(uint8_t a, uint8_t len) { return {VK_DATA_ARGLEN, a, len}; }
constexpr P Queue(uint8_t which) { return {VK_ACCEPT_QUEUE, 0, which}; }
constexpr P Msg(uint8_t sel) { return {VK_MSG, 1, sel}; }  // the (m)msghdr is argument 1
constexpr uint8_t kMmsg = VIGIL_MSG_MMSG, kMmsgIn = VIGIL_MSG_MMSG | VIGIL_MSG_IN;
constexpr P Sem(uint8_t field) { return {VK_SEMOP_FIELD, 1, field}; }
constexpr P Quota(uint8_t field) { return {VK_QUOTACTL, 0, field}; }

// Parameters 1..14 shared by the clone family and execve: exe .. cgroups.
#define VIGIL_TASK_COMMON                                                                        \
  {VK_TASK_EXE}, {VK_TASK_ARGS}, {VK_TASK_TID}, {VK_TASK_PID}, {VK_TASK_PTID}, {VK_TASK_CWD},    \
      {VK_TASK_FDLIMIT}, {VK_TASK_PGFT_MAJ}, {VK_TASK_PGFT_MIN}, {VK_TASK_VM_SIZE},              \
      {VK_TASK_VM_RSS}, {VK_TASK_VM_SWAP}, {VK_TASK_COMM}, {VK_TASK_CGROUPS}
#define VIGIL_CLONE_TAIL                                                                         \
  {VK_TASK_UID}, {VK_TASK_GID}, {VK_TASK_VTID}, {VK_TASK_VPID}, { VK_TASK_PIDNS_START }
#define VIGIL_EXEC_TAIL                                                                          \
  {VK_TASK_ENV}, {VK_TASK_TTY}, {VK_TASK_VPGID}, {VK_TASK_LOGINUID}, {VK_TASK_EXE_FLAGS},        \
      {VK_TASK_CAP_INH}, {VK_TASK_CAP_PRM}, {VK_TASK_CAP_EFF}, {VK_TASK_EXE_INO},                \
      {VK_TASK_EXE_CTIME}, {VK_TASK_EXE_MTIME}, {VK_TASK_UID}, {VK_TASK_EXEPATH},                \
      {VK_TASK_PGID}, { VK_TASK_GID }

struct Recipe {
  std::string_view name;
  std::initializer_list<P> enter;  // empty: no enter event (the newest drivers emit none)
  std::initializer_list<P> exit;
  uint16_t flags = 0;
};

// Exit parameters follow the newest schema (event-table.tsv) in order; the table test checks
// every row's parameter count against the schema.
const Recipe kRecipes[] = {
    // Files. open/openat/openat2/creat keep their enter events: the path as it was when the call
    // started, which the kernel then copied (TOCTOU).
    {"open", {Str(0), OpenFlags(1), OpenMode(2, 1)},
     {kRet, Str(0), OpenFlagsLayer(1), OpenMode(2, 1), DevOfRet, InoOfRet}},
    {"openat", {Fd(0), Str(1), OpenFlags(2), OpenMode(3, 2)},
     {kRet, Fd(0), Str(1), OpenFlagsLayer(2), OpenMode(3, 2), DevOfRet, InoOfRet}},
    {"openat2", {Fd(0), Str(1), {VK_HOW_FLAGS, 2}, {VK_HOW_MODE, 2}, {VK_HOW_RESOLVE, 2}},
     {kRet, Fd(0), Str(1), {VK_HOW_FLAGS, 2, 1}, {VK_HOW_MODE, 2}, {VK_HOW_RESOLVE, 2}, DevOfRet, InoOfRet}},
    {"creat", {Str(0), U32(1)}, {kRet, Str(0), U32(1), DevOfRet, InoOfRet, {VK_CREAT_LAYER}}},
    {"close", {}, {kRet, Fd(0)}},
    {"read", {}, {kRet, DataRet(1), Fd(0), U32(2)}},
    {"write", {}, {kRet, DataLen(1, 2), Fd(0), U32(2)}},
    {"pread64", {}, {kRet, DataRet(1), Fd(0), U32(2), U64(3)}},
    {"pwrite64", {}, {kRet, DataLen(1, 2), Fd(0), U32(2), U64(3)}},
    {"dup", {}, {kRet, Fd(0)}},
    {"dup2", {}, {kRet, Fd(0), Fd(1)}},
    {"dup3", {}, {kRet, Fd(0), Fd(1), {VK_DUP3_FLAGS, 2}}},
    {"pipe", {}, {kRet, {VK_PIPE_FD0, 0}, {VK_PIPE_FD1, 0}, {VK_PIPE_INO, 0}}},
    {"pipe2", {}, {kRet, {VK_PIPE_FD0, 0}, {VK_PIPE_FD1, 0}, {VK_PIPE_INO, 0}, {VK_PIPE2_FLAGS, 1}}},
    {"chdir", {}, {kRet, Str(0)}},
    {"fchdir", {}, {kRet, Fd(0)}},
    {"mkdir", {}, {kRet, Str(0), U32(1)}},
    {"mkdirat", {}, {kRet, Fd(0), Str(1), U32(2)}},
    {"rmdir", {}, {kRet, Str(0)}},
    {"unlink", {}, {kRet, Str(0)}},
    {"unlinkat", {}, {kRet, Fd(0), Str(1), U32(2)}},  // AT_REMOVEDIR has the same value in PPM
    {"rename", {}, {kRet, Str(0), Str(1)}},
    {"renameat", {}, {kRet, Fd(0), Str(1), Fd(2), Str(3)}},
    {"renameat2", {}, {kRet, Fd(0), Str(1), Fd(2), Str(3), U32(4)}},  // RENAME_* equal PPM values
    {"symlink", {}, {kRet, Str(0), Str(1)}},
    {"symlinkat", {}, {kRet, Str(0), Fd(1), Str(2)}},
    {"link", {}, {kRet, Str(0), Str(1)}},
    {"linkat", {}, {kRet, Fd(0), Str(1), Fd(2), Str(3), U32(4)}},  // AT_* equal PPM values
    {"chmod", {}, {kRet, Str(0), U32(1)}},
    {"fchmod", {}, {kRet, Fd(0), U32(1)}},
    {"fchmodat", {}, {kRet, Fd(0), Str(1), U32(2)}},
    {"memfd_create", {}, {kRet, Str(0), U32(1)}},  // MFD_* equal PPM values
    {"userfaultfd", {}, {kRet, OpenFlags(0)}},
    // Processes.
    {"clone", {}, {kRet, VIGIL_TASK_COMMON, {VK_CLONE_FLAGS, 0}, VIGIL_CLONE_TAIL}},
    {"clone3", {}, {kRet, VIGIL_TASK_COMMON, {VK_CLONE3_FLAGS, 0}, VIGIL_CLONE_TAIL}},
    {"fork", {}, {kRet, VIGIL_TASK_COMMON, {VK_FORK_FLAGS}, VIGIL_CLONE_TAIL}},
    {"vfork", {}, {kRet, VIGIL_TASK_COMMON, {VK_VFORK_FLAGS}, VIGIL_CLONE_TAIL}},
    {"execve", {}, {kRet, VIGIL_TASK_COMMON, VIGIL_EXEC_TAIL, {VK_EXEC_FILENAME, 0}}, VIGIL_SC_EXEC},
    {"execveat", {}, {kRet, VIGIL_TASK_COMMON, VIGIL_EXEC_TAIL}, VIGIL_SC_EXEC},
    {"setuid", {}, {kRet, U32(0)}},
    {"setgid", {}, {kRet, U32(0)}},
    {"setreuid", {}, {kRet, U32(0), U32(1)}},
    {"setregid", {}, {kRet, U32(0), U32(1)}},
    {"setresuid", {}, {kRet, U32(0), U32(1), U32(2)}},
    {"setresgid", {}, {kRet, U32(0), U32(1), U32(2)}},
    {"kill", {}, {kRet, Fd(0), U8(1)}},
    {"tkill", {}, {kRet, Fd(0), U8(1)}},
    {"tgkill", {}, {kRet, Fd(0), Fd(1), U8(2)}},
    {"ptrace", {}, {kRet, {VK_DYN_U64, 2}, {VK_DYN_U64, 3}, {VK_PTRACE_REQ, 0}, Fd(1)}},
    {"setns", {}, {kRet, Fd(0), {VK_CLONE_FLAGS, 1}}},
    {"unshare", {}, {kRet, {VK_CLONE_FLAGS, 0}}},
    {"setsid", {}, {kRet}},
    {"init_module", {}, {kRet, DataLen(0, 1), U64(1), Str(2)}},
    {"finit_module", {}, {kRet, Fd(0), Str(1), U32(2)}},  // MODULE_INIT_* equal PPM values
    {"bpf", {}, {kRet, U32(0)}},  // BPF commands equal PPM values
    {"eventfd", {}, {kRet, U64(0), {VK_ZERO_32}}},  // eventfd(2) has no flags argument
    {"eventfd2", {}, {kRet, {VK_NB_CLOEXEC16, 1}, U64(0)}},
    // signalfd(2) has no flags argument (its third is the mask size).
    {"signalfd", {}, {kRet, Fd(0), {VK_SIGSET_USER, 1}, {VK_ZERO_8}}},
    {"signalfd4", {}, {kRet, {VK_NB_CLOEXEC16, 3}, Fd(0), {VK_SIGSET_USER, 1}}},
    {"timerfd_create", {}, {kRet, U8(0), U8(1)}},
    {"inotify_init", {}, {kRet, {VK_ZERO_8}}},
    {"inotify_init1", {}, {kRet, {VK_NB_CLOEXEC16, 0}}},
    {"epoll_create", {}, {kRet, U32(0)}},
    {"epoll_create1", {}, {kRet, {VK_EPOLL1_FLAGS, 0}}},
    {"pidfd_open", {}, {kRet, Fd(0), {VK_PIDFD_FLAGS, 1}}},
    {"pidfd_getfd", {}, {kRet, Fd(0), Fd(1), U32(2)}},
    {"fcntl", {}, {kRet, Fd(0), {VK_FCNTL_CMD, 1}, U64(2)}},
    {"chroot", {}, {kRet, Str(0)}},
    {"setpgid", {}, {kRet, Fd(0), Fd(1)}},
    {"prctl", {}, {kRet, U32(0), {VK_PRCTL_STR}, {VK_PRCTL_INT}}},  // PR_* equal PPM values
    {"capset", {}, {kRet, {VK_TASK_CAP_INH}, {VK_TASK_CAP_PRM}, {VK_TASK_CAP_EFF}}},
    {"close_range", {}, {kRet, U32(0), U32(1), U32(2)}},  // CLOSE_RANGE_* equal PPM values
    {"open_by_handle_at", {}, {kRet, Fd(0), OpenFlagsLayer(2), {VK_FD_PATH}, DevOfRet, InoOfRet}},
    {"getcwd", {}, {kRet, Str(0)}},
    {"lseek", {}, {kRet, Fd(0), U64(1), U8(2)}},  // SEEK_* equal PPM values
    {"ioctl", {}, {kRet, Fd(0), U64(1), U64(2)}},
    {"access", {}, {kRet, Str(0), U32(1)}},  // *_OK equal PPM values
    {"stat", {}, {kRet, Str(0)}},
    {"lstat", {}, {kRet, Str(0)}},
    {"fstat", {}, {kRet, Fd(0)}},
    {"newfstatat", {}, {kRet, Fd(0), Str(1), U32(3)}},  // AT_* equal PPM values
    {"getdents", {}, {kRet, Fd(0)}},
    {"getdents64", {}, {kRet, Fd(0)}},
    {"umount2", {}, {kRet, Str(0), U32(1)}},  // MNT_*/UMOUNT_* equal PPM values
    {"flock", {}, {kRet, Fd(0), U32(1)}},      // LOCK_* equal PPM values
    {"splice", {}, {kRet, Fd(0), Fd(2), U64(4), U32(5)}},  // SPLICE_F_* equal PPM values
    {"sendfile", {}, {kRet, {VK_USER_U64, 2, 0}, Fd(0), Fd(1), U64(3)}},  // offset after the call
    {"fchown", {}, {kRet, Fd(0), U32(1), U32(2)}},
    {"fchownat", {}, {kRet, Fd(0), Str(1), U32(2), U32(3), {VK_FCHOWNAT_FLAGS, 4}}},
    {"chown", {}, {kRet, Str(0), U32(1), U32(2)}},
    {"lchown", {}, {kRet, Str(0), U32(1), U32(2)}},
    {"mknod", {}, {kRet, Str(0), U32(1), U32(2)}},
    {"mknodat", {}, {kRet, Fd(0), Str(1), U32(2), U32(3)}},
    {"delete_module", {}, {kRet, Str(0), {VK_DELMOD_FLAGS, 1}}},
    {"seccomp", {}, {kRet, U64(0), U64(1)}},
    {"io_uring_setup", {}, {kRet, U32(0), {VK_USER_U32, 1, 0}, {VK_USER_U32, 1, 1}, {VK_IORING_FLAGS, 1},
                            {VK_USER_U32, 1, 3}, {VK_USER_U32, 1, 4}, {VK_IORING_FEATS, 1}}},
    {"mmap", {}, {kRet, {VK_TASK_VM_SIZE}, {VK_TASK_VM_RSS}, {VK_TASK_VM_SWAP}, U64(0), U64(1), {VK_PROT_FLAGS, 2},
                  {VK_MMAP_FLAGS, 3}, Fd(4), U64(5)}},
    {"munmap", {}, {kRet, {VK_TASK_VM_SIZE}, {VK_TASK_VM_RSS}, {VK_TASK_VM_SWAP}, U64(0), U64(1)}},
    {"brk", {}, {kRet, {VK_TASK_VM_SIZE}, {VK_TASK_VM_RSS}, {VK_TASK_VM_SWAP}, U64(0)}},
    {"mprotect", {}, {kRet, U64(0), U64(1), {VK_PROT_FLAGS, 2}}},
    {"futex", {}, {kRet, U64(0), U16(1), U64(2)}},  // FUTEX_* equal PPM values
    {"nanosleep", {}, {kRet, {VK_TIMESPEC, 0}}},
    {"select", {}, {kRet}},
    {"epoll_wait", {}, {kRet, Fd(2)}},
    {"getrlimit", {}, {kRet, {VK_USER_U64, 1, 0}, {VK_USER_U64, 1, 1}, U8(0)}},  // RLIMIT_* equal
    {"setrlimit", {}, {kRet, {VK_USER_U64, 1, 0}, {VK_USER_U64, 1, 1}, U8(0)}},
    {"prlimit64", {}, {kRet, {VK_USER_U64, 2, 0}, {VK_USER_U64, 2, 1}, {VK_USER_U64, 3, 0}, {VK_USER_U64, 3, 1},
                       Fd(0), U8(1)}},
    {"mount", {}, {kRet, Str(0), Str(1), Str(2), {VK_MOUNT_FLAGS, 3}}},
    {"readv", {}, {kRet, {VK_IOVEC_SIZE, 1, 2}, {VK_IOVEC_DATA_RET, 1, 2}, Fd(0)}},
    {"writev", {}, {kRet, {VK_IOVEC_DATA, 1, 2}, Fd(0), {VK_IOVEC_SIZE, 1, 2}}},
    {"preadv", {}, {kRet, {VK_IOVEC_SIZE, 1, 2}, {VK_IOVEC_DATA_RET, 1, 2}, Fd(0), U64(3)}},
    {"pwritev", {}, {kRet, {VK_IOVEC_DATA, 1, 2}, Fd(0), {VK_IOVEC_SIZE, 1, 2}, U64(3)}},
    {"getuid", {}, {{VK_RET_32}}},
    {"getgid", {}, {{VK_RET_32}}},
    {"geteuid", {}, {{VK_RET_32}}},
    {"getegid", {}, {{VK_RET_32}}},
    {"getresuid", {}, {kRet, {VK_USER_U32, 0, 0}, {VK_USER_U32, 1, 0}, {VK_USER_U32, 2, 0}}},
    {"getresgid", {}, {kRet, {VK_USER_U32, 0, 0}, {VK_USER_U32, 1, 0}, {VK_USER_U32, 2, 0}}},
    {"mlock", {}, {kRet, U64(0), U64(1)}},
    {"munlock", {}, {kRet, U64(0), U64(1)}},
    {"mlockall", {}, {kRet, U32(0)}},  // MCL_* equal PPM values
    {"munlockall", {}, {kRet}},
    {"mlock2", {}, {kRet, U64(0), U64(1), U32(2)}},  // MLOCK_ONFAULT equals the PPM value
    {"copy_file_range", {}, {kRet, Fd(2), {VK_USER_U64, 3, 0}, Fd(0), {VK_USER_U64, 1, 0}, U64(4)}},
    {"io_uring_enter", {}, {kRet, Fd(0), U32(1), U32(2), U32(3), {VK_SIGSET_USER, 4}}},  // IORING_ENTER_* equal
    {"io_uring_register", {}, {kRet, Fd(0), U16(1), U64(2), U32(3)}},
    // The local iovec: what was read from, or written to, the other process.
    {"process_vm_readv", {}, {kRet, Fd(0), {VK_IOVEC_DATA_RET, 1, 2}}},
    {"process_vm_writev", {}, {kRet, Fd(0), {VK_IOVEC_DATA_RET, 1, 2}}},
    {"keyctl", {}, {kRet, U32(0), {VK_DYN_U64, 1}, {VK_DYN_U64, 2}, {VK_DYN_U64, 3}, {VK_DYN_U64, 4}}},
    {"getsockname", {}, {}},
    {"getpeername", {}, {}},
    // Network.
    {"socket", {}, {kRet, U32(0), U32(1), U32(2), {VK_SOCKET_FLAGS, 1}}},
    {"connect", {Fd(0), SockAddr(1, 2)}, {kRet, TupleOfFd(0), Fd(0), SockAddr(1, 2)}},
    {"bind", {}, {kRet, SockAddr(1, 2), Fd(0)}},
    {"listen", {}, {kRet, Fd(0), U32(1)}},
    {"accept", {}, {kRet, TupleOfRetPeerFirst, Queue(0), Queue(1), Queue(2)}},
    {"accept4", {}, {kRet, TupleOfRetPeerFirst, Queue(0), Queue(1), Queue(2), U32(3)}},
    {"setsockopt", {}, {kRet, Fd(0), {VK_SOCKOPT_LEVEL, 1}, {VK_SOCKOPT_NAME}, {VK_SOCKOPT_VAL, 0, 0}, U32(4)}},
    {"getsockopt", {}, {kRet, Fd(0), {VK_SOCKOPT_LEVEL, 1}, {VK_SOCKOPT_NAME}, {VK_SOCKOPT_VAL, 0, 1},
                        {VK_USER_U32, 4, 0}}},
    {"shutdown", {}, {kRet, Fd(0), U8(1)}},
    {"sendto", {}, {kRet, DataLen(1, 2), Fd(0), U32(2), TupleSent(0, 4)}},
    {"recvfrom", {}, {kRet, DataRet(1), TupleReceived(0, 4), Fd(0), U32(2)}},
    {"sendmsg", {}, {kRet, Msg(VIGIL_MSG_DATA), Fd(0), Msg(VIGIL_MSG_IOVSIZE), Msg(VIGIL_MSG_TUPLE)}},
    {"socketpair", {}, {kRet, {VK_PIPE_FD0, 3}, {VK_PIPE_FD1, 3}, {VK_SOCKPAIR_PTR, 3, 0}, {VK_SOCKPAIR_PTR, 3, 1},
                        U32(0), U32(1), U32(2)}},
    {"recvmsg", {}, {kRet, {VK_RET_SIZE}, Msg(VIGIL_MSG_DATA | VIGIL_MSG_IN), Msg(VIGIL_MSG_TUPLE | VIGIL_MSG_IN),
                     Msg(VIGIL_MSG_CONTROL | VIGIL_MSG_IN), Fd(0)}},
    // One exit event per message (the syscall is flagged VIGIL_SC_MMSG); res is the message's length.
    {"sendmmsg", {}, {Msg(VIGIL_MSG_RES | kMmsg), Fd(0), Msg(VIGIL_MSG_IOVSIZE | kMmsg),
                      Msg(VIGIL_MSG_DATA | kMmsg), Msg(VIGIL_MSG_TUPLE | kMmsg)}, VIGIL_SC_MMSG},
    {"recvmmsg", {}, {Msg(VIGIL_MSG_RES | kMmsgIn), Fd(0), Msg(VIGIL_MSG_LEN | kMmsgIn), Msg(VIGIL_MSG_DATA | kMmsgIn),
                      Msg(VIGIL_MSG_TUPLE | kMmsgIn), Msg(VIGIL_MSG_CONTROL | kMmsgIn)}, VIGIL_SC_MMSG},
    // Waiting and IPC.
    {"poll", {}, {kRet, {VK_FDLIST, 0, 1}, Fd(2)}},
    {"ppoll", {}, {kRet, {VK_FDLIST, 0, 1}, {VK_TIMESPEC_OR_0, 2}, {VK_SIGSET_USER, 3}}},
    {"semget", {}, {kRet, U32(0), U32(1), {VK_SEMGET_FLAGS, 2}}},
    {"semop", {}, {kRet, U32(2), Sem(0), Sem(1), Sem(2), Sem(3), Sem(4), Sem(5), U32(0)}},
    {"semctl", {}, {kRet, U32(0), U32(1), {VK_SEMCTL_CMD, 2}, {VK_SEMCTL_VAL}}},
    {"quotactl", {}, {kRet, Str(1), Quota(0), Quota(1), Quota(2), Quota(3), Quota(4), Quota(5), Quota(6),
                      Quota(7), Quota(8), Quota(9), Quota(10), Quota(11), Quota(12), Quota(13), Quota(14),
                      Quota(15)}},
    {"fsconfig", {}, {kRet, Fd(0), U32(1), Str(2), {VK_FSCONFIG, 0, 0}, {VK_FSCONFIG, 0, 1}, U32(4)}},  // cmds equal
};

#undef VIGIL_TASK_COMMON
#undef VIGIL_CLONE_TAIL
#undef VIGIL_EXEC_TAIL

void fill(vigil_event_recipe& out, int event_id, std::initializer_list<P> params) {
  out.event_id = static_cast<uint16_t>(event_id);
  out.nparams = static_cast<uint8_t>(std::min<size_t>(params.size(), VIGIL_MAX_PARAMS));
  size_t i = 0;
  for (const P& p : params) {
    if (i == VIGIL_MAX_PARAMS) break;
    out.params[i++] = {p.kind, p.arg, p.arg2, 0};
  }
}

std::vector<vigil_syscall_desc> build() {
  std::vector<vigil_syscall_desc> descs(VIGIL_MAX_SYSCALLS);
  for (const SyscallInfo& sc : kSyscalls) {
    if (sc.nr < 0 || sc.nr >= VIGIL_MAX_SYSCALLS) continue;
    vigil_syscall_desc& d = descs[sc.nr];
    d.ppm_sc = sc.ppm_sc;
    // Generic event for everything without a recipe: ID (ppm_sc), nativeID.
    fill(d.exit, 1, {{VK_PPM_SC}, {VK_NATIVE_ID}});
  }
  for (const Recipe& r : kRecipes) {
    const SyscallInfo* sc = find_syscall(r.name);
    if (!sc || sc->exit_event < 0) continue;
    vigil_syscall_desc& d = descs[sc->nr];
    if (r.enter.size() != 0) fill(d.enter, sc->enter_event, r.enter);
    fill(d.exit, sc->exit_event, r.exit);
    d.flags = r.flags;
  }
  return descs;
}

constexpr std::string_view kStateSyscalls[] = {
    "open", "openat", "openat2", "creat", "close", "dup", "dup2", "dup3", "pipe", "pipe2",
    "socket", "socketpair", "connect", "accept", "accept4", "bind", "execve", "execveat", "clone",
    "clone3", "fork", "vfork", "chdir", "fchdir", "setuid", "setgid", "setresuid", "setresgid",
    "setreuid", "setregid", "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create",
    "inotify_init", "inotify_init1", "epoll_create", "epoll_create1", "memfd_create",
    "userfaultfd", "io_uring_setup", "pidfd_open", "pidfd_getfd", "fcntl", "chroot", "setsid",
    "setpgid", "prctl", "capset", "shutdown", "close_range", "open_by_handle_at",
};

}  // namespace

std::span<const SyscallInfo> native_syscalls() { return kSyscalls; }

const SyscallInfo* find_syscall(std::string_view name) {
  for (const SyscallInfo& sc : kSyscalls)
    if (sc.name == name) return &sc;
  return nullptr;
}

const std::vector<vigil_syscall_desc>& syscall_descs() {
  static const std::vector<vigil_syscall_desc> descs = build();
  return descs;
}

bool has_recipe(std::string_view name) {
  return std::any_of(std::begin(kRecipes), std::end(kRecipes), [&](const Recipe& r) { return r.name == name; });
}

std::span<const std::string_view> state_syscalls() { return kStateSyscalls; }

}  // namespace vigil::capture::live
