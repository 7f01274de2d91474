// One event record in the newest schema's layout, built the way vigil's live driver writes it:
// the exit event of a system call (or a tracepoint event such as procexit) carrying every
// parameter of its layout, the enter parameters included. Parameters are set by their schema
// name and encoded by their schema type, so a story reads "openat: fd=3 name=/etc/passwd" and
// never spells widths or byte orders.
//
// A wrong event or parameter name, or a value of the wrong kind for a parameter, is a mistake in
// the story itself: the program says which and exits (see fail()).
//
// Plain value type, one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/capture/event.h"
#include "vigil/capture/event_schema.h"

namespace vigil::demo {

// Prints "vigil-demo-capture: <what>" and exits with status 2: the story is broken.
[[noreturn]] void fail(const std::string& what);

// An IPv4 endpoint, "10.0.2.15" and a port in host order.
struct Endpoint {
  std::string_view ip;
  uint16_t port = 0;
};

// PT_SOCKTUPLE of an IPv4 connection, `local` first as the syscall sees it (for accept the
// client is "local": scap-format.md §13.2).
std::string socket_tuple(Endpoint src, Endpoint dst);
// PT_SOCKADDR of an IPv4 address.
std::string socket_address(Endpoint at);
// A NUL-terminated list (argv, env, cgroups as PT_BYTEBUF).
std::string nul_list(const std::vector<std::string>& items);
// Four dotted-quad octets in network order.
std::array<uint8_t, 4> ipv4(std::string_view dotted);

class SyscallRecord {
 public:
  // The newest exit event called `name` (the enter event for enter-only events like procexit).
  SyscallRecord(std::string_view name, uint64_t ts, int64_t tid);

  // Integer-typed parameters (fd, errno, pid, flags, uid, ...), at the parameter's width.
  SyscallRecord& set(std::string_view param, int64_t value);
  // Text (CHARBUF, FSPATH, FSRELPATH: NUL added) or raw bytes (BYTEBUF, SOCKTUPLE, SOCKADDR, DYN).
  SyscallRecord& set_text(std::string_view param, std::string_view value);
  SyscallRecord& set_bytes(std::string_view param, std::string_view bytes);

  uint16_t type() const { return info_->id; }
  std::string_view name() const { return info_->name; }
  uint64_t ts() const { return ts_; }
  int64_t tid() const { return tid_; }

  // The encoded v2 record (scap-format.md §11.1): header, parameter lengths, parameters. Every
  // parameter is present; one never set is zero at its width, or empty when variable-sized.
  std::vector<uint8_t> encode() const;

 private:
  size_t index_of(std::string_view param) const;

  const capture::EventInfo* info_ = nullptr;
  uint64_t ts_;
  int64_t tid_;
  std::vector<std::string> params_;
};

// A finished record and the parameter offsets an EventView of it needs.
class EncodedRecord {
 public:
  explicit EncodedRecord(const SyscallRecord& record);
  // Valid while this object lives unchanged.
  capture::EventView view(uint64_t num, uint16_t cpu) const;
  size_t size() const { return bytes_.size(); }
  int64_t tid() const { return capture::load<int64_t>(bytes_.data() + 8); }

 private:
  std::vector<uint8_t> bytes_;
  std::vector<uint32_t> offsets_;
};

}  // namespace vigil::demo
