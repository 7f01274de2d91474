// What the inspector knows about the open file descriptors of one process.
//
// An FdTable is shared by every thread of a process (threads share their fd table in Linux) and
// is owned by ProcessFiles together with the process's working directory. Not thread-safe: the
// owning Inspector is used from one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/capture/metadata.h"

namespace vigil::inspect {

// L4 protocol of a socket fd (scap's SCAP_L4_* numbering).
enum class L4Proto : uint8_t { Unknown = 0, Tcp = 1, Udp = 2, Icmp = 3, Raw = 4 };

// One open fd. Socket endpoints are oriented client -> server like libsinsp's: `sip`/`sport` is
// the client side, `dip`/`dport` the server side, whichever side this process is.
struct FdState {
  enum class Role : uint8_t { None, Client, Server };

  int64_t fd = -1;                            // -1: free slot
  capture::FdType type = capture::FdType::Unknown;
  std::string name;                           // resolved path, socket tuple text, pipe:[ino] ...
  std::string nameraw;                        // the path as the syscall passed it
  uint32_t open_flags = 0;                    // PPM_O_* bits
  uint32_t dev = 0;
  uint64_t ino = 0;
  bool cloexec = false;
  // Sockets.
  uint8_t family = 0;                         // PPM_AF_* (capture::SocketFamily)
  L4Proto l4proto = L4Proto::Unknown;
  Role role = Role::None;
  std::array<uint8_t, 16> sip{};              // network order; IPv4 in the first 4 bytes
  std::array<uint8_t, 16> dip{};
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint64_t unix_src = 0;
  uint64_t unix_dst = 0;
  // The inspector's event count (InspectorStats::events) when `name` last changed: fd.name_changed
  // of that event. 0: never.
  uint64_t name_changed_at = 0;
  // fd.realpath: what path lookup really reached, worked out by a live inspector the first time
  // the field is asked for and kept here, so asking again costs nothing. Before that (Unknown),
  // `realpath` holds the path to look up when the open's path had a ".." component (the lexical
  // normalization of `name` is wrong there if a symlink precedes it), else nothing.
  enum class RealPath : uint8_t { Unknown, Resolved, SameAsName };
  mutable RealPath realpath_state = RealPath::Unknown;
  mutable std::string realpath;

  bool in_use() const { return fd >= 0; }
  bool is_ipv4() const;    // IPv4 socket (client or server)
  bool is_ipv6() const;
  bool is_socket() const;
  char type_char() const;              // fd.typechar: 'f', '4', 'u', ...
  std::string_view type_name() const;  // fd.type: "file", "ipv4", ...
  void reset();                        // back to a free slot, keeping string capacity
};

// The fds of one process. Small fd numbers live in a dense array so that reopening an fd reuses
// its slot (and its strings' capacity) without allocating.
class FdTable {
 public:
  static constexpr int64_t kDenseLimit = 1024;

  const FdState* find(int64_t fd) const;
  FdState* find(int64_t fd);
  // A cleared slot for `fd` (replacing whatever was there); nullptr when the table is at `max_fds`.
  FdState* open(int64_t fd, size_t max_fds);
  // Returns false when `fd` was not open.
  bool close(int64_t fd);
  size_t size() const { return count_; }
  void clear();

  // Calls f(const FdState&) for each open fd in increasing fd order for dense fds, then the rest.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& s : dense_) if (s.in_use()) f(s);
    for (const auto& [fd, s] : sparse_) f(s);
  }

 private:
  std::vector<FdState> dense_;
  std::unordered_map<int64_t, FdState> sparse_;
  size_t count_ = 0;
};

// What the threads of one process share: their fds and their working directory.
struct ProcessFiles {
  FdTable fds;
  std::string cwd;  // always ends with '/'
};

}  // namespace vigil::inspect
