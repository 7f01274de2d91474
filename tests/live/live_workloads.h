// Small workloads the live tests run in the test process itself while a capture watches: loopback
// sockets (loopback_sockets.h) and a file written and read back. Each REQUIREs its own syscalls
// to succeed, so a test fails at the workload, not at a missing event.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "loopback_sockets.h"

namespace vigil::test {

// Creates `path` (O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode 0640), writes "hello vigil"
// (11 bytes), seeks back, reads them again and closes: openat, write, lseek, read, close.
// Returns the (now closed) fd number the events carry.
inline int write_and_read_back(const std::string& path) {
  const int fd = ::openat(AT_FDCWD, path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, "hello vigil", 11) == 11);
  REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
  char buf[64];
  REQUIRE(::read(fd, buf, sizeof buf) == 11);
  REQUIRE(::close(fd) == 0);
  return fd;
}

// The fds (closed by the time the workload returns) and addresses of a loopback TCP connection.
struct LoopbackConnection {
  int listener = -1, client = -1, accepted = -1;
  sockaddr_in server{}, client_end{};
};

// One TCP connection over 127.0.0.1 from start to end: socket, bind, listen (backlog 4), socket,
// connect, accept, then close of the accepted, client and listening sockets, in that order.
// `client_type` may add flags such as SOCK_CLOEXEC to the client's socket().
inline LoopbackConnection open_and_close_loopback_connection(int client_type = SOCK_STREAM) {
  LoopbackConnection c;
  c.listener = loopback_listener(4, c.server);
  c.client = connected_tcp_socket(c.server, client_type, &c.client_end);
  c.accepted = ::accept(c.listener, nullptr, nullptr);
  REQUIRE(c.accepted >= 0);
  ::close(c.accepted);
  ::close(c.client);
  ::close(c.listener);
  return c;
}

}  // namespace vigil::test
