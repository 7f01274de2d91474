// The syscall table the driver interprets: for every native syscall number, which events to emit
// and where each of their parameters comes from (driver/vigil_shared.h describes the recipe
// format). Also the in-kernel interest set computed from event ids and syscall names.
//
// Immutable data and pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vigil_shared.h"

namespace vigil::capture::live {

struct SyscallInfo {
  int nr;                 // native (x86_64) number
  std::string_view name;
  uint16_t ppm_sc;        // libs' architecture-independent code (generic event parameter ID)
  int enter_event;        // the newest drivers' dedicated events, -1 when there is none
  int exit_event;
};

std::span<const SyscallInfo> native_syscalls();
const SyscallInfo* find_syscall(std::string_view name);

// The driver table, indexed by native syscall number (VIGIL_MAX_SYSCALLS entries). Syscalls
// without a dedicated recipe emit the generic event (ids 0/1: ppm_sc code, native number).
const std::vector<vigil_syscall_desc>& syscall_descs();

// Whether `name` has a dedicated recipe (as opposed to the generic event).
bool has_recipe(std::string_view name);

// Syscalls the inspector's state tracking needs whatever the rules ask for (process tree, fd
// table, users, cwd).
std::span<const std::string_view> state_syscalls();

}  // namespace vigil::capture::live
