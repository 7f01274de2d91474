// The lock vigil-scenarios takes itself (/run/vigil-scenarios.lock), held by tests that run
// scenarios so that no other run changes the system between their before and after snapshots.
// The tests holding it run vigil-scenarios with VIGIL_SCENARIOS_LOCK_HELD=1.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

namespace vigil::test {

class ScenariosLock {
 public:
  // Waits up to `patience` for other holders (a failed REQUIRE past it).
  explicit ScenariosLock(std::chrono::seconds patience) {
    fd_ = open("/run/vigil-scenarios.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    REQUIRE(fd_ >= 0);
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~ScenariosLock() { close(fd_); }
  ScenariosLock(const ScenariosLock&) = delete;
  ScenariosLock& operator=(const ScenariosLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace vigil::test
