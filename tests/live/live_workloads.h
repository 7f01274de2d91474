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

}  // namespace vigil::test
