// Small POSIX I/O pieces shared by the sinks.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace vigil::engine::outputs {

// Writes all of `data` to `fd`, retrying on EINTR and short writes. Returns 0 or an errno value.
// `send_nosignal` uses send(MSG_NOSIGNAL) so a vanished reader is EPIPE, not a SIGPIPE.
int write_all(int fd, std::string_view data, bool send_nosignal = false);

// strerror for worker threads (strerror itself may share a static buffer).
inline std::string errno_text(int err) {
  char buf[128];
  return strerror_r(err, buf, sizeof buf);  // GNU variant: returns the message pointer
}

}  // namespace vigil::engine::outputs
