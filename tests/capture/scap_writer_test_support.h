// Test support for the ScapWriter tests: hand-built event records (scap-format.md §11) wrapped
// in EventViews, and `sysdig -r` (0.29.3, the decoding oracle) run on written files.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "scap_bytes.h"
#include "vigil/capture/event.h"
#include "vigil/capture/event_schema.h"

namespace vigil::test {

// One parameter's raw bytes.
struct Param {
  std::vector<uint8_t> bytes;
};

template <typename T>
Param num(T v) {
  return Param{le(v)};
}
inline Param str(const std::string& s) { return Param{cstr(s)}; }  // CHARBUF/FSPATH: with its NUL
inline Param raw(std::vector<uint8_t> b) { return Param{std::move(b)}; }
inline Param empty() { return Param{}; }
// PT_SOCKTUPLE AF_INET: src ip:port -> dst ip:port; ips as "a.b.c.d" in network order.
inline Param tuple4(std::array<uint8_t, 4> sip, uint16_t sport, std::array<uint8_t, 4> dip, uint16_t dport) {
  Param p;
  p.bytes.push_back(2);
  p.bytes.insert(p.bytes.end(), sip.begin(), sip.end());
  p.bytes.push_back(static_cast<uint8_t>(sport & 0xff));
  p.bytes.push_back(static_cast<uint8_t>(sport >> 8));
  p.bytes.insert(p.bytes.end(), dip.begin(), dip.end());
  p.bytes.push_back(static_cast<uint8_t>(dport & 0xff));
  p.bytes.push_back(static_cast<uint8_t>(dport >> 8));
  return p;
}
inline Param sockaddr4(std::array<uint8_t, 4> ip, uint16_t port) {
  Param p;
  p.bytes.push_back(2);
  p.bytes.insert(p.bytes.end(), ip.begin(), ip.end());
  p.bytes.push_back(static_cast<uint8_t>(port & 0xff));
  p.bytes.push_back(static_cast<uint8_t>(port >> 8));
  return p;
}

// A v2 record (parameter lengths as wide as the newest schema says) viewed as one delivered event.
class TestEvent {
 public:
  TestEvent(uint64_t ts, int64_t tid, uint16_t type, const std::vector<Param>& params, uint16_t cpu = 0,
            uint32_t dump_flags = 0)
      : record_(v2_record(ts, tid, type, bytes_of(params), newest_param_len_size(type))),
        cpu_(cpu),
        dump_flags_(dump_flags) {}
  capture::EventView view() const { return record_.view(0, cpu_, dump_flags_); }
  const std::vector<uint8_t>& record() const { return record_.bytes; }

 private:
  static std::vector<std::vector<uint8_t>> bytes_of(const std::vector<Param>& params) {
    std::vector<std::vector<uint8_t>> out;
    for (const Param& p : params) out.push_back(p.bytes);
    return out;
  }
  OwnedRecord record_;
  uint16_t cpu_;
  uint32_t dump_flags_;
};

// Runs `sysdig <args>` and returns its stdout lines and exit status.
struct CommandOutput {
  std::vector<std::string> lines;
  int status = -1;
};
inline CommandOutput run_command(const std::string& command) {
  CommandOutput out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  std::string line;
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      out.lines.push_back(line);
      line.clear();
    }
  }
  if (!line.empty()) out.lines.push_back(line);
  out.status = pclose(p);
  return out;
}
inline CommandOutput run_sysdig(const std::string& args) { return run_command("sysdig " + args + " 2>/dev/null"); }

}  // namespace vigil::test
