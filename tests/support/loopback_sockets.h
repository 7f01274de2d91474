// IPv4 sockets on 127.0.0.1 for tests: listeners and clients on ephemeral ports. Each helper
// REQUIREs its syscalls to succeed, so a test fails where its set-up failed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>

namespace vigil::test {

// An IPv4 socket of `type` (SOCK_STREAM, SOCK_DGRAM, optionally | SOCK_CLOEXEC) bound to
// 127.0.0.1 on an ephemeral port; `addr` receives the bound address.
inline int bound_loopback_socket(int type, sockaddr_in& addr) {
  const int fd = ::socket(AF_INET, type, 0);
  REQUIRE(fd >= 0);
  addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  return fd;
}

// A TCP listener on 127.0.0.1 with the given backlog; `addr` receives its address.
inline int loopback_listener(int backlog, sockaddr_in& addr) {
  const int fd = bound_loopback_socket(SOCK_STREAM, addr);
  REQUIRE(::listen(fd, backlog) == 0);
  return fd;
}

// A TCP socket of `type` connected to `to`; `local`, when given, receives its own address.
inline int connected_tcp_socket(const sockaddr_in& to, int type = SOCK_STREAM, sockaddr_in* local = nullptr) {
  const int fd = ::socket(AF_INET, type, 0);
  REQUIRE(fd >= 0);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
  if (local) {
    socklen_t len = sizeof *local;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(local), &len) == 0);
  }
  return fd;
}

}  // namespace vigil::test
