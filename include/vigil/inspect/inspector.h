// The Inspector turns a stream of events into state (threads, fds, users) and hands each event
// out with the state it refers to, which is what field extraction and formatting work on.
//
//   vigil::inspect::Inspector inspector;
//   inspector.seed(source.metadata());
//   while (source.next(ev) == NextStatus::Event) {
//     const EventContext& ctx = inspector.process(ev);
//     bound_field->extract(ctx, values);
//   }
//
// Both reader modes work: normalized events (one per syscall, all parameters on the exit event)
// and raw ones (enter and exit records as stored, the enter event's parameters remembered per
// thread the way sysdig 0.29.3 does).
//
// Bad input never breaks the state: an event on an unknown thread gets a placeholder thread,
// an unknown fd reads as <NA>, impossible values are ignored, and each case is counted in
// InspectorStats. Memory is bounded by InspectorOptions.
//
// One thread at a time. Two Inspectors share nothing. An inspector asked to watch host names
// (HostnameResolution::Background) owns one resolver thread, which touches nothing the caller sees
// but the immutable answers it publishes.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/capture/event.h"
#include "vigil/capture/event_format.h"
#include "vigil/capture/metadata.h"
#include "vigil/common/result.h"
#include "vigil/inspect/fd_table.h"
#include "vigil/inspect/field.h"
#include "vigil/inspect/hostname_resolver.h"
#include "vigil/inspect/metadata_provider.h"
#include "vigil/inspect/thread_table.h"
#include "vigil/inspect/user_table.h"

namespace vigil::inspect {

class Inspector;
namespace detail {
struct InspectorInternals;
}

struct InspectorOptions {
  size_t max_threads = 131072;          // threads past this are refused (counted)
  size_t max_fds_per_process = 65536;   // fds past this are refused (counted)
  size_t max_enter_event_bytes = 65536; // raw mode: larger enter events are not remembered
  // Which event table describes events for display and fd tracking: the newest one, or the 2022
  // one of sysdig 0.29.3 (raw-mode output that matches sysdig's: parameter names and rendering in
  // evt.args/evt.arg, categories, and which events count as using an fd).
  capture::DisplaySchema display = capture::DisplaySchema::Newest;
  // Container names, images, labels... beyond what cgroups tell. nullptr: what the capture's
  // container events said, else only the cgroup facts. Must outlive the inspector.
  const ContainerMetadataProvider* container_provider = nullptr;
  // Which runtimes' cgroup layouts put a thread in a container (see ContainerEngines).
  ContainerEngines container_engines;
  // Where a live inspector looks at the running system (fd.realpath); tests may point it elsewhere.
  std::string proc_root = "/proc";
  // fd.realpath remembers, across fds and processes, the path that last reached each file
  // (device, inode): a later open of the same file costs one check of that path instead of a
  // lookup. At most this many files (0: no memory, every fd resolves from scratch); each entry
  // takes at most about 1 KiB (longer paths are not remembered).
  size_t realpath_cache_entries = 4096;
  // Lets fd.realpath ask the kernel to resolve paths (openat2 with RESOLVE_IN_ROOT, Linux 5.6+)
  // instead of walking them component by component. Either gives the same answers; without
  // openat2 (older kernels, seccomp) the walk is used anyway.
  bool realpath_openat2 = true;
  // At most this many paths given to Inspector::watch_path() (more are refused, counted).
  size_t max_watched_paths = 1024;
  // Host names (fd.*ip.name, see hostname_resolver.h): the hosts file's names are always known;
  // watch_hostname() adds names through `hostname_resolver` (nullptr: the system's; must outlive
  // the inspector), on the inspector's resolver thread (Background: the answers are looked up
  // again every `hostname_refresh`, zero: once) or inside watch_hostname() (Synchronous). At most
  // `max_watched_hostnames` names are watched, and `max_hostname_addresses` (address, name) pairs
  // kept for the hosts file and synchronous answers, and as many for background answers.
  std::string hosts_file = "/etc/hosts";
  const HostnameResolver* hostname_resolver = nullptr;
  size_t max_hostname_addresses = 4096;
  HostnameResolution hostname_resolution = HostnameResolution::Background;
  std::chrono::milliseconds hostname_refresh = std::chrono::minutes(5);
  size_t max_watched_hostnames = 1024;
};

// Where the state and the events come from. A recording (a capture file, or any events that do
// not describe this machine right now) is all there is to know; on the live host, a few fields
// also ask the running system to complete what the events say (fd.realpath).
enum class StateOrigin : uint8_t { Recording, LiveHost };

// Everything the inspector had to ignore or guess. Nothing is dropped silently.
struct InspectorStats {
  uint64_t events = 0;
  uint64_t threads_created = 0;        // by clone/fork or on first sight
  uint64_t threads_removed = 0;        // after procexit
  uint64_t threads_refused = 0;        // table full
  uint64_t unknown_thread_events = 0;  // events of a thread nobody told us about
  uint64_t unknown_fd_events = 0;      // events using an fd not in the table
  uint64_t fds_refused = 0;            // per-process fd table full
  uint64_t pid_reuse = 0;              // a new process took the tid of a live thread
  uint64_t orphan_exits = 0;           // procexit of an unknown thread
  uint64_t malformed_events = 0;       // missing or impossible parameters
  uint64_t enter_events_not_kept = 0;  // raw mode: enter event larger than the limit
  // fd.realpath on a live host: answers proven from the remembered path of the file, remembered
  // paths that no longer reached their file (the inode was reused or the file moved; resolved
  // again), lookups from scratch, and remembered paths dropped for lack of room.
  uint64_t realpath_cache_hits = 0;
  uint64_t realpath_cache_stale = 0;
  uint64_t realpath_lookups = 0;
  uint64_t realpath_cache_evictions = 0;
  // Inspector::watch_path(): fd.realpath answers given by a watched file's identity, paths
  // refused because the table was full, and times a watched path was found to reach another
  // file than before (replaced by a rename, deleted, created).
  uint64_t realpath_pinned_hits = 0;
  uint64_t watched_paths_refused = 0;
  uint64_t watched_path_changes = 0;
  // Watched host names (fd.*ip.name): names watched, names refused (max_watched_hostnames),
  // lookups done (first ones and refreshes) and those that found no address, names still waiting
  // for their first answer, addresses left out for lack of room, and names fields given while some
  // watched name had no answer yet (a rule comparing with that name could not match them yet).
  // Background answers and their counters reach these stats between events.
  uint64_t hostnames_watched = 0;
  uint64_t hostnames_refused = 0;
  uint64_t hostname_lookups = 0;
  uint64_t hostname_lookup_failures = 0;
  uint64_t hostnames_pending = 0;
  uint64_t hostname_addresses_dropped = 0;
  uint64_t hostname_answers_while_pending = 0;
};

// One event plus what the inspector knows about it. Valid until the next Inspector::process().
class EventContext {
 public:
  const capture::EventView& event() const { return event_; }
  // Raw mode: the enter event this exit event completes (same thread, type - 1), when seen.
  const capture::EventView* enter_event() const { return enter_.valid() ? &enter_ : nullptr; }
  // Parameter `name` of this syscall: from the event itself, else from its enter event.
  capture::ParamView param(std::string_view name) const;
  const ThreadState* thread() const { return thread_; }
  // Whether the event creates, uses or closes an fd (fd.* fields exist only then), the fd it
  // works on (-1 when unknown) and its state (nullptr when unknown).
  bool has_fd() const { return has_fd_; }
  int64_t fd_num() const { return fd_num_; }
  const FdState* fd() const { return fd_; }
  const Inspector& inspector() const { return *inspector_; }
  uint64_t first_ts() const { return first_ts_; }
  // Context switch events: ns since the previous context switch on the same CPU (the slice the
  // thread switched away from ran), 0 for the first one seen on a CPU. 0 on other events.
  uint64_t exectime() const { return exectime_; }
  uint64_t prev_ts() const { return prev_ts_; }
  // Rotating scratch strings for extractors that must build text (four live at once).
  std::string& scratch() const { return scratch_[scratch_next_++ & 3]; }
  // Rotating buffers for rendered event text (evt.args, evt.arg.*): sized once to their full
  // capacity and never shrunk, so rendering does not refill a buffer another extractor cleared.
  std::string& text_scratch() const { return text_scratch_[text_scratch_next_++ & 3]; }
  // The calendar time of `secs` since the epoch, local or UTC; cached per second because the
  // conversion costs more than the rest of a line.
  const std::tm& calendar_time(int64_t secs, bool utc) const;

 private:
  friend class Inspector;
  capture::EventView event_;
  capture::EventView enter_;
  const ThreadState* thread_ = nullptr;
  const FdState* fd_ = nullptr;
  int64_t fd_num_ = -1;
  bool has_fd_ = false;
  const Inspector* inspector_ = nullptr;
  uint64_t first_ts_ = 0;
  uint64_t prev_ts_ = 0;
  uint64_t exectime_ = 0;
  mutable std::string scratch_[4];
  mutable uint8_t scratch_next_ = 0;
  mutable std::string text_scratch_[4];
  mutable uint8_t text_scratch_next_ = 0;
  mutable int64_t tm_secs_[2] = {-1, -1};  // [local, utc]
  mutable std::tm tm_[2] = {};
};

class Inspector {
 public:
  explicit Inspector(InspectorOptions options = {});
  ~Inspector();
  Inspector(const Inspector&) = delete;
  Inspector& operator=(const Inspector&) = delete;

  // Replaces all state with the given metadata (process list, fds, users, machine info), which
  // together with the events to come has the given origin.
  Status seed(const capture::CaptureMetadata& meta, StateOrigin origin = StateOrigin::Recording);
  // Whether the last seed() said the events come from this machine's kernel right now.
  bool live() const;
  // Makes fd.*ip.name know `name`: a socket whose address is one of its addresses lists it once
  // it resolved. Call it for each host name a rule compares those fields with (after loading the
  // rules and after every reload; Engine::compared_strings lists them). Background: returns at
  // once, the name is looked up on the resolver thread and its answers apply from a later event
  // on. Synchronous: resolved before returning. Errors: too many names are watched (counted in
  // hostnames_refused), or (Synchronous) the name does not resolve or its addresses do not fit.
  Status watch_hostname(std::string_view name);
  // Makes fd.realpath name the file at `path` (absolute) by that path however a process reached
  // it: through a symlink removed right after the open, another hard link of the file, a bind
  // mount, /proc/<pid>/root/..., a magic link, or ".." tricks. Call it for each path a rule
  // compares fd.realpath with (e.g. "/etc/shadow"), before processing events:
  //
  //   for (const std::string& p : paths_rules_compare_fd_realpath_with) inspector.watch_path(p);
  //
  // Live host: the path is resolved now (symlinks followed, nothing opened), and the file it
  // reaches is known by its device and inode; an open event reporting that device and inode gets
  // the path (its symlinks resolved) as fd.realpath with no filesystem access. Semantics: every
  // name of that very file is reported as the watched path, so reading a hard link of a watched
  // /etc/shadow reports /etc/shadow, and a bind mount of it in a container reports the host's
  // path. Only that file: a watched directory names the directory, not the files below it (a
  // rule's `startswith /etc/sudoers.d/` still relies on the lookup). The device is the one the
  // driver reports (the mount's superblock, which stat() does not give on overlayfs layers and
  // btrfs subvolumes). A path that does not exist yet is recognised once created. A watched
  // file replaced by another (passwd and editors rename a new file over it) is recognised: the
  // directory holding it is watched (inotify, drained when fd.realpath is looked at, never
  // blocking) and every path is resolved again every 10 s of event time. The old file still
  // counts for opens up to the event time the replacement was noticed (events processed late),
  // not after: its inode number may go to any new file. A file replaced twice before fd.realpath
  // of its open is looked at is not recognised (only the current and the previous file are).
  // Replaying a capture: the path is only remembered (fd.realpath stays fd.name on a recording);
  // it takes effect if the inspector is later seeded as StateOrigin::LiveHost.
  // Errors: `path` is not absolute, or InspectorOptions::max_watched_paths are watched already
  // (counted in InspectorStats::watched_paths_refused). Watching a path again is a no-op.
  Status watch_path(std::string_view path);
  // Forgets every watched path: call it before watching the paths of reloaded rules.
  void clear_watched_paths();
  // The known names of an address, appended to `out` (fd.*ip.name); returns how many.
  size_t host_names(const std::array<uint8_t, 16>& ip, bool v6, FieldValues& out) const;
  // Applies the event to the state and returns its context.
  const EventContext& process(const capture::EventView& event);

  const ThreadTable& threads() const;
  const UserTable& users() const;
  const capture::MachineInfo* machine() const;  // nullptr when the metadata had none
  // The machine's network interfaces (from the metadata): which socket ends are local.
  const std::vector<capture::InterfaceInfo>& interfaces() const;
  const InspectorStats& stats() const;
  const InspectorOptions& options() const;
  // Metadata of the container with this short id (cached per id; "host" for the host).
  const ContainerMetadata& container(const ContainerMatch& match) const;
  // Resolves fd names, thread names, users and directories for parameter rendering
  // (capture::format_param) from this inspector's state.
  const capture::ParamResolver& param_resolver() const;
  // The registry whose fields extract from this inspector's contexts (shared, immutable).
  const FieldRegistry& fields() const;

  struct Impl;

 private:
  friend struct detail::InspectorInternals;  // libinspect's field extractors reach the state
  std::unique_ptr<Impl> impl_;
  EventContext ctx_;
};

}  // namespace vigil::inspect
