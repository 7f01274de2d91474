// The driver's syscall table against the newest event schema: every recipe must produce exactly
// the parameters, in the byte widths, that event-table.tsv defines.
#include <fstream>
#include <set>
#include <sstream>

#include "live/syscall_table.h"
#include "live_harness.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::capture;
using namespace vigil::capture::live;

namespace {

// The parameter types each recipe kind can fill.
std::set<ParamType> types_for(uint8_t kind) {
  using T = ParamType;
  switch (kind) {
    case VK_EMPTY: return {T::ByteBuf, T::SockTuple, T::CharBuf, T::FsPath, T::SigSet, T::Uint8, T::Uint32, T::Dyn, T::Uint64, T::Flags16};
    case VK_RET: return {T::Errno, T::Fd, T::Pid, T::Uint64, T::Int64};
    case VK_RET_32: return {T::Uid, T::Gid};
    case VK_ARG_64: return {T::Uint64, T::Int64};
    case VK_ARG_FD: return {T::Fd, T::Pid, T::Int64, T::Errno};
    case VK_ARG_32:
    case VK_ARG_U32_ENUM:
      return {T::Uint32, T::Int32, T::Uid, T::Gid, T::Flags32, T::EnumFlags32, T::Mode};
    case VK_ARG_16: return {T::Uint16, T::Flags16, T::EnumFlags16};
    case VK_ARG_8: return {T::Uint8, T::SigType, T::Flags8, T::EnumFlags8};
    case VK_ARG_STR: return {T::CharBuf, T::FsPath, T::SigSet, T::FsRelPath};
    case VK_DATA_RET:
    case VK_DATA_ARGLEN: return {T::ByteBuf};
    case VK_OPEN_FLAGS:
    case VK_HOW_FLAGS:
    case VK_HOW_RESOLVE:
    case VK_SOCKET_FLAGS:
    case VK_PIPE2_FLAGS:
    case VK_DUP3_FLAGS:
    case VK_CLONE_FLAGS:
    case VK_CLONE3_FLAGS:
    case VK_FORK_FLAGS:
    case VK_VFORK_FLAGS:
    case VK_EXECVEAT_FLAGS:
    case VK_EPOLL1_FLAGS:
    case VK_PIDFD_FLAGS:
    case VK_FCHOWNAT_FLAGS:
    case VK_DELMOD_FLAGS:
    case VK_TASK_EXE_FLAGS: return {T::Flags32};
    case VK_OPEN_MODE:
    case VK_HOW_MODE: return {T::Uint32};
    case VK_FD_DEV: return {T::Uint32};
    case VK_FD_INO:
    case VK_PIPE_INO: return {T::Uint64};
    case VK_SOCKADDR: return {T::SockAddr};
    case VK_SOCKTUPLE: return {T::SockTuple};
    case VK_PIPE_FD0:
    case VK_PIPE_FD1: return {T::Fd};
    case VK_PPM_SC: return {T::SyscallId};
    case VK_NATIVE_ID: return {T::Uint16};
    case VK_PTRACE_REQ: return {T::EnumFlags16};
    case VK_NB_CLOEXEC16: return {T::Flags16};
    case VK_USER_U32: return {T::Uint32, T::Uid, T::Gid};
    case VK_USER_U64: return {T::Uint64, T::Int64};
    case VK_PROT_FLAGS:
    case VK_MMAP_FLAGS:
    case VK_MOUNT_FLAGS: return {T::Flags32};
    case VK_TIMESPEC: return {T::RelTime};
    case VK_IOVEC_SIZE: return {T::Uint32};
    case VK_IOVEC_DATA:
    case VK_IOVEC_DATA_RET: return {T::ByteBuf};
    case VK_IORING_FLAGS:
    case VK_IORING_FEATS: return {T::Flags32};
    case VK_FCNTL_CMD: return {T::EnumFlags8};
    case VK_DYN_U64: return {T::Dyn};
    case VK_TASK_EXE:
    case VK_TASK_COMM: return {T::CharBuf};
    case VK_TASK_CWD: return {T::CharBuf};
    case VK_TASK_EXEPATH:
    case VK_EXEC_FILENAME: return {T::FsPath};
    case VK_TASK_ARGS:
    case VK_TASK_ENV:
    case VK_TASK_CGROUPS: return {T::ByteBuf};
    case VK_TASK_TID:
    case VK_TASK_PID:
    case VK_TASK_PTID:
    case VK_TASK_VPGID:
    case VK_TASK_PGID:
    case VK_TASK_VTID:
    case VK_TASK_VPID: return {T::Pid};
    case VK_TASK_FDLIMIT: return {T::Uint64, T::Int64};
    case VK_TASK_PGFT_MAJ:
    case VK_TASK_PGFT_MIN:
    case VK_TASK_CAP_INH:
    case VK_TASK_CAP_PRM:
    case VK_TASK_CAP_EFF:
    case VK_TASK_EXE_INO:
    case VK_TASK_PIDNS_START: return {T::Uint64};
    case VK_TASK_EXE_CTIME:
    case VK_TASK_EXE_MTIME: return {T::AbsTime};
    case VK_TASK_VM_SIZE:
    case VK_TASK_VM_RSS:
    case VK_TASK_VM_SWAP:
    case VK_TASK_TTY: return {T::Uint32};
    case VK_TASK_LOGINUID:
    case VK_TASK_UID: return {T::Uid, T::Uint32};
    case VK_TASK_GID: return {T::Gid, T::Uint32};
    case VK_FDLIST: return {T::FdList};
    case VK_SIGSET_USER: return {T::SigSet, T::Uint32};
    case VK_TIMESPEC_OR_0: return {T::RelTime};
    case VK_SOCKOPT_LEVEL:
    case VK_SOCKOPT_NAME: return {T::EnumFlags8};
    case VK_SOCKOPT_VAL: return {T::Dyn};
    case VK_SEMGET_FLAGS: return {T::Flags32};
    case VK_SEMOP_FIELD: return {T::Uint16, T::Int16, T::Flags16};
    case VK_SEMCTL_CMD: return {T::Flags16};
    case VK_SEMCTL_VAL: return {T::Int32};
    case VK_QUOTACTL: return {T::CharBuf, T::Uint64, T::RelTime, T::Flags8, T::Flags16, T::Uint32};
    case VK_FSCONFIG: return {T::ByteBuf, T::CharBuf};
    case VK_MSG: return {T::Errno, T::Uint32, T::ByteBuf, T::SockTuple};
    case VK_RET_SIZE: return {T::Uint32};
    case VK_ACCEPT_QUEUE: return {T::Uint8, T::Uint32};
    case VK_SOCKPAIR_PTR: return {T::Uint64};
    case VK_PRCTL_STR: return {T::CharBuf};
    case VK_PRCTL_INT: return {T::Int64};
    case VK_ZERO_8: return {T::Uint8};
    case VK_ZERO_32: return {T::Uint32};
    case VK_FD_PATH: return {T::FsPath};
    case VK_CREAT_LAYER: return {T::Flags16};
    default: return {};
  }
}

void check_recipe(const vigil_event_recipe& r, std::string_view syscall) {
  const EventInfo* info = EventSchema::newest().find(r.event_id);
  INFO("syscall " << syscall << " event " << r.event_id);
  REQUIRE(info != nullptr);
  CHECK_FALSE(info->has(kUnused));
  REQUIRE(r.nparams == info->nparams());
  for (uint32_t i = 0; i < r.nparams; i++) {
    INFO("parameter " << i << " " << info->params[i].name << " kind " << int(r.params[i].kind));
    CHECK(types_for(r.params[i].kind).count(info->params[i].type) == 1);
  }
}

}  // namespace

TEST_CASE("every syscall recipe matches the newest schema's parameter list and types") {
  const auto& descs = syscall_descs();
  REQUIRE(descs.size() == VIGIL_MAX_SYSCALLS);
  int dedicated = 0;
  for (const SyscallInfo& sc : native_syscalls()) {
    const vigil_syscall_desc& d = descs[sc.nr];
    check_recipe(d.exit, sc.name);
    if (d.enter.nparams != 0 || d.enter.event_id != 0) check_recipe(d.enter, sc.name);
    if (d.exit.event_id != 1) {
      dedicated++;
      // Dedicated events are the ones the newest drivers use for this syscall.
      CHECK(d.exit.event_id == sc.exit_event);
    } else {
      CHECK(d.ppm_sc == sc.ppm_sc);
    }
  }
  CHECK(dedicated >= 60);
}

TEST_CASE("no syscall with a dedicated event in the newest drivers goes out as the generic event") {
  const auto& descs = syscall_descs();
  for (const SyscallInfo& sc : native_syscalls()) {
    if (sc.exit_event < 0 || sc.exit_event == 1) continue;
    INFO(sc.name << " (exit event " << sc.exit_event << ")");
    CHECK(descs[sc.nr].exit.event_id == sc.exit_event);
  }
}

TEST_CASE("no recipe leaves a parameter empty by design") {
  // Every parameter the newest schema defines is filled from the call.
  const auto& descs = syscall_descs();
  for (const SyscallInfo& sc : native_syscalls()) {
    for (const vigil_event_recipe* r : {&descs[sc.nr].enter, &descs[sc.nr].exit}) {
      for (uint32_t i = 0; i < r->nparams; i++) {
        INFO(sc.name << " event " << r->event_id << " parameter " << i);
        CHECK(r->params[i].kind != VK_EMPTY);
      }
    }
  }
}

TEST_CASE("every syscall the official rules reference has a dedicated recipe") {
  // rules-evttypes.tsv column 5 lists the event names the rules' conditions select.
  std::ifstream in(test::shared_path("docs/rules-evttypes.tsv"));
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  std::set<std::string> names;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    REQUIRE(cols.size() >= 5);
    std::stringstream list(cols[4]);
    std::string name;
    while (std::getline(list, name, ',')) names.insert(name);
  }
  REQUIRE(names.size() > 30);
  for (const std::string& n : names) {
    INFO(n);
    CHECK(has_recipe(n));
  }
}

TEST_CASE("every syscall state tracking needs is known to the table and has a dedicated recipe") {
  for (std::string_view n : state_syscalls()) {
    INFO(n);
    CHECK(find_syscall(n) != nullptr);
    CHECK(has_recipe(n));
  }
}
