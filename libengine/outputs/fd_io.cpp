#include "outputs/fd_io.h"

#include <sys/socket.h>
#include <unistd.h>

namespace vigil::engine::outputs {

int write_all(int fd, std::string_view data, bool send_nosignal) {
  while (!data.empty()) {
    ssize_t n = send_nosignal ? ::send(fd, data.data(), data.size(), MSG_NOSIGNAL)
                              : ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

}  // namespace vigil::engine::outputs
