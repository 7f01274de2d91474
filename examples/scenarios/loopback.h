// The scenarios' own TCP listener on 127.0.0.1 (ephemeral port): the only peer any network
// scenario ever talks to. Every operation has a deadline. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "files.h"
#include "process.h"
#include "vigil/common/result.h"

namespace vigil::scenarios {

class LoopbackListener {
 public:
  static Result<LoopbackListener> open();

  uint16_t port() const { return port_; }
  std::string port_text() const { return std::to_string(port_); }

  // The next connection, or an error once `timeout` passes without one.
  Result<UniqueFd> accept(milliseconds timeout);

 private:
  LoopbackListener(UniqueFd fd, uint16_t port) : fd_(std::move(fd)), port_(port) {}
  UniqueFd fd_;
  uint16_t port_;
};

// Reads from `fd` until the peer closes, `stop_after` appears in what was read (when not empty),
// `limit` bytes arrive, or `timeout` passes (then the bytes so far are returned).
Result<std::string> read_from_peer(int fd, milliseconds timeout, std::string_view stop_after = {},
                                   size_t limit = 65536);

Status send_to_peer(int fd, std::string_view data);

}  // namespace vigil::scenarios
