// A stand-in for a container without any container runtime: a set of cgroups named exactly like
// a docker container's (cgroup v1: <current cgroup>/docker/<64 hex>; cgroup v2:
// <current cgroup>/docker-<64 hex>.scope). Tools that derive container ids from cgroup paths, as
// vigil and Falco's container plugin do, see a process moved into them as running in container
// <first 12 hex digits>. Nothing else about the process changes (namespaces, root, mounts).
// The v2 leaf enables no controller, as on a pure v2 host; vigil still sees it because its
// driver and /proc snapshot report the thread's own v2 cgroup ("unified=/...") besides the
// controllers' (which show the nearest ancestor with that controller).
//
// The cgroups are created below the caller's own cgroup in every mounted hierarchy, so resource
// limits that apply to the caller keep applying, and removed again when the object dies (after
// every process in them has ended). Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "vigil/common/result.h"

namespace vigil::scenarios {

class FakeContainer {
 public:
  // Creates the cgroups with a random id; fails when no cgroup hierarchy is writable.
  static Result<FakeContainer> create();

  FakeContainer(FakeContainer&& other) noexcept;
  FakeContainer& operator=(FakeContainer&&) = delete;
  FakeContainer(const FakeContainer&) = delete;
  ~FakeContainer();

  const std::string& id() const { return id_; }
  std::string short_id() const { return id_.substr(0, 12); }

  // Moves the calling process into the container's cgroups. Only open/write/close, so it may be
  // called between fork and exec. False (errno set) when a move failed.
  bool enter() const;

  // Removes the cgroups now (waiting up to 2 s for exiting members), reporting failure.
  Status remove();

 private:
  FakeContainer() = default;

  std::string id_;
  std::vector<std::string> procs_files_;  // cgroup.procs of each leaf
  std::vector<std::string> created_;      // directories made, parents before children
};

}  // namespace vigil::scenarios
