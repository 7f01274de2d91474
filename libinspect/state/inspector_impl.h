// The Inspector's private state and the state-update routines. Internal to libinspect.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "state/event_actions.h"
#include "state/hostnames.h"
#include "state/pinned_paths.h"
#include "state/real_path_cache.h"
#include "vigil/inspect/inspector.h"

namespace vigil::inspect {

// A copy of the last enter event of one thread (raw mode), so its exit event can find the
// parameters that only the enter event carries.
struct EnterEventCopy {
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> offsets;
  uint16_t cpu = 0;
  uint64_t num = 0;
  bool valid = false;
  capture::EventView view(const capture::EventInfo* info) const {
    return capture::EventView(bytes.data(), offsets.data(), cpu, 0, num, info);
  }
};

// ParamResolver over the inspector's tables.
class StateParamResolver final : public capture::ParamResolver {
 public:
  explicit StateParamResolver(const ThreadTable& threads, const UserTable& users) : threads_(threads), users_(users) {}
  bool fd_name(int64_t tid, int64_t fd, capture::TextBuffer& out) const override;
  char fd_type_char(int64_t tid, int64_t fd) const override;
  bool thread_comm(int64_t tid, capture::TextBuffer& out) const override;
  bool user_name(int64_t tid, uint32_t uid, capture::TextBuffer& out) const override;
  bool group_name(int64_t tid, uint32_t gid, capture::TextBuffer& out) const override;
  bool base_dir(int64_t tid, int64_t dirfd, capture::TextBuffer& out) const override;

 private:
  const FdState* find_fd(int64_t tid, int64_t fd) const;
  const ThreadTable& threads_;
  const UserTable& users_;
};

struct Inspector::Impl {
  explicit Impl(InspectorOptions opts)
      : options(opts),
        threads(opts.max_threads),
        resolver(threads, users),
        hostnames(opts),
        realpath_cache(opts.realpath_cache_entries),
        realpath_openat2(opts.realpath_openat2),
        pinned(opts.max_watched_paths) {}

  InspectorOptions options;
  ThreadTable threads;
  UserTable users;
  StateParamResolver resolver;
  HostnameTable hostnames;  // reads the hosts file on first use
  std::optional<capture::MachineInfo> machine;
  std::vector<capture::InterfaceInfo> interfaces;
  InspectorStats stats;
  std::unique_ptr<FieldRegistry> registry;
  std::unordered_map<int64_t, EnterEventCopy> enter_events;
  const std::vector<detail::EventAction>* actions = nullptr;

  // Deferred until the next event so that this event still sees them.
  int64_t tid_to_remove = -1;
  struct PendingClose {
    std::shared_ptr<ProcessFiles> files;
    int64_t fd;
  };
  std::vector<PendingClose> fds_to_close;

  // Containers: the capture's container events feed `container_table`, which falls back to the
  // cgroup facts; lookups are cached by id.
  ContainerMetadataTable container_table;
  mutable std::unordered_map<std::string, ContainerMetadata> containers;
  const ContainerMetadataProvider& container_provider() const {
    return options.container_provider ? *options.container_provider : container_table;
  }
  void on_container_event(const capture::EventView& ev);

  std::string path_scratch;  // reused for path resolution; keeps its capacity
  std::string realpath_scratch;
  // fd.realpath (real_path.cpp): the paths that reached files, and whether openat2 may be asked.
  detail::RealPathCache realpath_cache;
  bool realpath_openat2;
  detail::DriverDevices realpath_devices;  // stat()'s devices as the driver reports them
  std::string realpath_lookup;  // the path fd.realpath looks up; keeps its capacity
  detail::PinnedPaths pinned;   // Inspector::watch_path(); looked at only when live
  std::string name_scratch;
  bool live = false;         // seeded as StateOrigin::LiveHost

  uint64_t first_ts = 0;
  uint64_t prev_ts = 0;
  std::vector<uint64_t> last_switch_ts;  // by CPU: the last context switch seen there

  // CPU accounting (process_updates.cpp).
  void on_switch(EventContext& ctx, ThreadState* t);
  void on_procinfo(const EventContext& ctx, ThreadState* t);

  void apply_deferred();
  void remember_enter(const capture::EventView& ev);
  ThreadState* thread_for(const capture::EventView& ev);
  void update(EventContext& ctx, ThreadState* t, const detail::EventAction& action);
  void remove_thread(int64_t tid);
  void update_memory(const EventContext& ctx, ThreadState* t);

  // Process-level updates (process_updates.cpp).
  void on_clone(const EventContext& ctx, ThreadState* t);
  void on_execve(const EventContext& ctx, ThreadState* t);
  void on_procexit(const EventContext& ctx, ThreadState* t);
  void on_ids(const EventContext& ctx, ThreadState* t, detail::StateAction action);
  void on_cwd(const EventContext& ctx, ThreadState* t, detail::StateAction action);

  // Fd-level updates (fd_updates.cpp).
  void on_fd_event(const EventContext& ctx, ThreadState* t, const detail::EventAction& action);
  FdState* open_fd(ThreadState* t, int64_t fd);
  // Gives `fd` a new name, noting the event that changed it (fd.name_changed).
  void rename_fd(FdState& fd, std::string_view name);
  void rename_socket(FdState& fd);  // "sip:sport->dip:dport" from the tuple
  // Applies a socket tuple seen on a connected or datagram socket (libsinsp's rules: the local
  // end always, the peer only while unknown; unspecified local addresses guessed from the
  // interfaces). Returns whether anything changed.
  bool update_tuple(FdState& fd, const capture::SockTuple& tuple);
  void infer_local_address(FdState& fd) const;
};

namespace detail {
// The inspector's state, for libinspect code that gets only a const Inspector& (field
// extraction) but keeps memory across events (fd.realpath's cache).
struct InspectorInternals {
  static Inspector::Impl& of(const Inspector& inspector) { return *inspector.impl_; }
};
}  // namespace detail

// Joins `path` to `base` (a directory) unless it is absolute, then removes "." and ".." parts and
// repeated slashes, the way libsinsp does. Writes into `out`.
void resolve_path(std::string_view base, std::string_view path, std::string& out);

}  // namespace vigil::inspect

namespace vigil::inspect {
// "sip:sport->dip:dport", libsinsp's name for a connected IP socket.
void format_socket_name(const FdState& fd, std::string& out);
// Appends "ip:port" (IPv6 in its compressed text form).
void format_endpoint(const std::array<uint8_t, 16>& ip, bool v6, uint16_t port, std::string& out);
// Splits a NUL-separated BYTEBUF (args, env, cgroups) into `out`.
void split_nul_list(capture::ParamView p, std::vector<std::string>& out);
}  // namespace vigil::inspect
