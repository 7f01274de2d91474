// Set-up and read-back shared by the inspector tests on hand-built events: the threads a seeded
// machine starts with, a few events, and what a field or a format shows on an event's context.
#pragma once

#include <catch2/catch.hpp>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event_builder.h"
#include "vigil/capture/metadata.h"
#include "vigil/inspect/formatter.h"
#include "vigil/inspect/inspector.h"

namespace vigil::test {

// A main thread (pid = tid) running `comm` (also its exe) in `cwd`, child of `ptid`.
inline capture::ThreadInfo process_thread(int64_t tid, const std::string& comm, const std::string& cwd,
                                          int64_t ptid = 1) {
  capture::ThreadInfo t;
  t.tid = t.pid = tid;
  t.ptid = ptid;
  t.comm = t.exe = comm;
  t.cwd = cwd;
  return t;
}

// Capture metadata holding just these threads.
inline capture::CaptureMetadata machine_of(std::vector<capture::ThreadInfo> threads) {
  capture::CaptureMetadata meta;
  meta.threads = std::move(threads);
  return meta;
}

// `format` rendered on the context the way `vigil -p` renders it, always ('*' format).
inline std::string render(const inspect::Inspector& inspector, const inspect::EventContext& ctx,
                          std::string_view format) {
  auto fmt = inspect::Formatter::compile(std::string("*") + std::string(format), inspector.fields());
  REQUIRE(fmt.ok());
  std::string out;
  fmt->format(ctx, out);
  return out;
}

// The values of field `name` (with its bracket argument `arg`) on the context, booleans as
// true/false; nullopt when the field has no value there.
inline std::optional<std::vector<std::string>> field_texts(const inspect::Inspector& inspector,
                                                           const inspect::EventContext& ctx, std::string_view name,
                                                           std::optional<std::string_view> arg = std::nullopt) {
  auto f = inspector.fields().bind(name, arg);
  REQUIRE(f.ok());
  inspect::FieldValues v;
  if (!f.value()->extract(ctx, v)) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& x : v.values())
    out.push_back(x.type == inspect::FieldType::Bool ? (x.b ? "true" : "false") : std::string(x.str));
  return out;
}

// The values of field `name` on the context joined with ','; "<NA>" when it has none.
inline std::string joined_field_texts(const inspect::Inspector& inspector, const inspect::EventContext& ctx,
                                      std::string_view name) {
  const auto texts = field_texts(inspector, ctx, name);
  if (!texts) return "<NA>";
  std::string out;
  for (const auto& t : *texts) out += (out.empty() ? "" : ",") + t;
  return out;
}

// A socket() exit of thread `tid` creating UDP/IPv4 socket `fd`.
inline TestEvent udp_socket_event(int64_t tid, int64_t fd) {
  TestEvent ev("socket", capture::Direction::Exit, tid);
  ev.set("fd", enc_i64(fd)).set("domain", enc_u32(capture::kAfInet)).set("type", enc_u32(2)).set("proto", enc_u32(0));
  return ev;
}

// A sendto() exit of thread `tid` sending "ping" on `fd` from `src`:5000 to `dst`:`dport`.
inline TestEvent sendto_event(int64_t tid, int64_t fd, std::array<uint8_t, 4> src, std::array<uint8_t, 4> dst,
                              uint16_t dport) {
  TestEvent ev("sendto", capture::Direction::Exit, tid);
  ev.set("res", enc_i64(4)).set("data", "ping").set("fd", enc_i64(fd)).set("size", enc_u32(4))
      .set("tuple", enc_tuple4(src, 5000, dst, dport));
  return ev;
}

}  // namespace vigil::test
