#include "loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "scenario.h"

namespace vigil::scenarios {
namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

Result<LoopbackListener> LoopbackListener::open() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return system_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return system_error("bind 127.0.0.1");
  if (::listen(fd.get(), 4) != 0) return system_error("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return system_error("getsockname");
  return LoopbackListener(std::move(fd), ntohs(addr.sin_port));
}

Result<UniqueFd> LoopbackListener::accept(milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pollfd p{fd_.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return system_error("poll listener");
    if (ready == 0)
      return Error{"no connection to 127.0.0.1:" + port_text() + " within " +
                   std::to_string(timeout.count()) + " ms"};
    UniqueFd conn(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (conn.valid()) return conn;
    if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) return system_error("accept");
  }
}

Result<std::string> read_from_peer(int fd, milliseconds timeout, std::string_view stop_after, size_t limit) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  while (out.size() < limit) {
    if (!stop_after.empty() && out.find(stop_after) != std::string::npos) break;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return system_error("poll connection");
    if (ready == 0) break;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, std::min(sizeof buf, limit - out.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("recv");
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status send_to_peer(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("send");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace vigil::scenarios
