// Live capture of socket options, message syscalls (sendmsg/recvmsg and their multi-message
// forms), accept backlogs and socketpair: every parameter of the newest schema is filled.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

#include "live_harness.h"
#include "live_workloads.h"

using namespace vigil;
using namespace vigil::test;
using capture::EventView;

namespace {

constexpr uint16_t kSetsockoptX = 45, kGetsockoptX = 47, kSendmsgX = 49, kRecvmsgX = 53, kSendmmsgX = 51,
                   kRecvmmsgX = 55, kAcceptX = 247, kSocketpairX = 43;

std::string text(const capture::ParamView& p) { return std::string(reinterpret_cast<const char*>(p.data()), p.size()); }

// A UDP socket bound to 127.0.0.1 on an ephemeral port; returns the fd and fills `addr`.
int bound_udp(sockaddr_in& addr) { return bound_loopback_socket(SOCK_DGRAM, addr); }

}  // namespace

TEST_CASE("setsockopt and getsockopt report level, option and the typed value") {
  auto src = open_live(test_options({"setsockopt", "getsockopt"}));
  const int64_t tid = current_tid();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  int one = 1;
  REQUIRE(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
  timeval tv{3, 500000};
  REQUIRE(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  int nodelay = 1;
  REQUIRE(setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &nodelay, sizeof nodelay) == 0);
  int err = -1;
  socklen_t len = sizeof err;
  REQUIRE(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
  int sndbuf = 0;
  len = sizeof sndbuf;
  REQUIRE(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) == 0);
  close(fd);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kSetsockoptX || e.type() == kGetsockoptX);
  });
  REQUIRE(events.size() == 5);

  const auto& reuse = events[0];
  CHECK(reuse.type() == kSetsockoptX);
  CHECK(reuse.param("res").as_i64() == 0);
  CHECK(reuse.param("fd").as_i64() == fd);
  CHECK(reuse.param("level").as_u8() == 1);    // PPM_SOCKOPT_LEVEL_SOL_SOCKET
  CHECK(reuse.param("optname").as_u8() == 2);  // PPM_SOCKOPT_SO_REUSEADDR
  CHECK(reuse.param("val").dyn_index() == 2);  // PPM_SOCKOPT_IDX_UINT32
  CHECK(reuse.param("val").dyn_value().as_u32() == 1);
  CHECK(reuse.param("optlen").as_u32() == sizeof one);

  const auto& timeout = events[1];
  CHECK(timeout.param("optname").as_u8() == 20);  // PPM_SOCKOPT_SO_RCVTIMEO
  CHECK(timeout.param("val").dyn_index() == 4);   // PPM_SOCKOPT_IDX_TIMEVAL
  CHECK(timeout.param("val").dyn_value().as_u64() == 3500000000ull);

  const auto& tcp = events[2];
  CHECK(tcp.param("level").as_u8() == 2);         // PPM_SOCKOPT_LEVEL_SOL_TCP
  CHECK(tcp.param("optname").as_u8() == 0);       // not decoded outside SOL_SOCKET
  CHECK(tcp.param("val").dyn_index() == 0);       // raw bytes
  CHECK(tcp.param("val").dyn_value().size() == sizeof nodelay);
  CHECK(tcp.param("val").dyn_value().as_u32() == 1);

  const auto& error = events[3];
  CHECK(error.type() == kGetsockoptX);
  CHECK(error.param("optname").as_u8() == 4);     // PPM_SOCKOPT_SO_ERROR
  CHECK(error.param("val").dyn_index() == 1);     // PPM_SOCKOPT_IDX_ERRNO
  CHECK(error.param("val").dyn_value().as_i64() == 0);
  CHECK(error.param("optlen").as_u32() == sizeof err);

  const auto& buf = events[4];
  CHECK(buf.param("optname").as_u8() == 7);       // PPM_SOCKOPT_SO_SNDBUF
  CHECK(buf.param("val").dyn_value().as_u32() == static_cast<uint32_t>(sndbuf));
}

TEST_CASE("sendmsg and recvmsg carry data, sizes, tuples and control data") {
  auto src = open_live(test_options({"sendmsg", "recvmsg"}));
  const int64_t tid = current_tid();
  sockaddr_in raddr{}, saddr{};
  int rx = bound_udp(raddr);
  int tx = bound_udp(saddr);
  int on = 1;
  REQUIRE(setsockopt(rx, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) == 0);
  char a[] = "hello ", b[] = "msg";
  iovec out[2] = {{a, 6}, {b, 3}};
  msghdr m{};
  m.msg_name = &raddr;  // tx is not connected: the destination comes from msg_name
  m.msg_namelen = sizeof raddr;
  m.msg_iov = out;
  m.msg_iovlen = 2;
  REQUIRE(sendmsg(tx, &m, 0) == 9);
  char in[32];
  iovec iv{in, sizeof in};
  alignas(cmsghdr) char control[128];
  sockaddr_in from{};
  msghdr r{};
  r.msg_name = &from;
  r.msg_namelen = sizeof from;
  r.msg_iov = &iv;
  r.msg_iovlen = 1;
  r.msg_control = control;
  r.msg_controllen = sizeof control;
  REQUIRE(recvmsg(rx, &r, 0) == 9);
  REQUIRE(r.msg_controllen > 0);
  close(rx);
  close(tx);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kSendmsgX || e.type() == kRecvmsgX);
  });
  REQUIRE(events.size() == 2);
  const auto& s = events[0];
  CHECK(s.type() == kSendmsgX);
  CHECK(s.param("res").as_i64() == 9);
  CHECK(s.param("fd").as_i64() == tx);
  CHECK(s.param("size").as_u32() == 9);
  CHECK(text(s.param("data")) == "hello msg");
  auto st = s.param("tuple").as_socktuple();
  REQUIRE(st.family == capture::kAfInet);
  CHECK(st.src_port == ntohs(saddr.sin_port));
  CHECK(st.dst_port == ntohs(raddr.sin_port));  // from msg_name

  const auto& rv = events[1];
  CHECK(rv.type() == kRecvmsgX);
  CHECK(rv.param("res").as_i64() == 9);
  CHECK(rv.param("fd").as_i64() == rx);
  CHECK(rv.param("size").as_u32() == 9);
  CHECK(text(rv.param("data")) == "hello msg");
  auto rt = rv.param("tuple").as_socktuple();
  REQUIRE(rt.family == capture::kAfInet);
  CHECK(rt.src_port == ntohs(saddr.sin_port));  // received: the peer first
  CHECK(rt.dst_port == ntohs(raddr.sin_port));
  CHECK(rv.param("msgcontrol").size() == r.msg_controllen);
  CHECK(std::memcmp(rv.param("msgcontrol").data(), control, r.msg_controllen) == 0);
}

TEST_CASE("sendmmsg and recvmmsg emit one event per message with its own length and data") {
  auto src = open_live(test_options({"sendmmsg", "recvmmsg"}));
  const int64_t tid = current_tid();
  sockaddr_in raddr{}, saddr{};
  int rx = bound_udp(raddr);
  int tx = bound_udp(saddr);
  REQUIRE(connect(tx, reinterpret_cast<sockaddr*>(&raddr), sizeof raddr) == 0);
  char p0[] = "first", p1[] = "second!", p2[] = "3";
  iovec iv[3] = {{p0, 5}, {p1, 7}, {p2, 1}};
  mmsghdr msgs[3] = {};
  for (int i = 0; i < 3; i++) {
    msgs[i].msg_hdr.msg_iov = &iv[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  REQUIRE(sendmmsg(tx, msgs, 3, 0) == 3);
  char bufs[3][16];
  iovec riv[3];
  mmsghdr rmsgs[3] = {};
  for (int i = 0; i < 3; i++) {
    riv[i] = {bufs[i], sizeof bufs[i]};
    rmsgs[i].msg_hdr.msg_iov = &riv[i];
    rmsgs[i].msg_hdr.msg_iovlen = 1;
  }
  REQUIRE(recvmmsg(rx, rmsgs, 3, MSG_DONTWAIT, nullptr) == 3);
  // A failing call still produces one event, with the error.
  REQUIRE(recvmmsg(rx, rmsgs, 3, MSG_DONTWAIT, nullptr) == -1);
  close(rx);
  close(tx);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kSendmmsgX || e.type() == kRecvmmsgX);
  });
  REQUIRE(events.size() == 7);
  const char* payload[3] = {"first", "second!", "3"};
  for (int i = 0; i < 3; i++) {
    const auto& s = events[i];
    INFO("message " << i);
    CHECK(s.type() == kSendmmsgX);
    CHECK(s.param("res").as_i64() == static_cast<int64_t>(strlen(payload[i])));
    CHECK(s.param("fd").as_i64() == tx);
    CHECK(s.param("size").as_u32() == strlen(payload[i]));
    CHECK(text(s.param("data")) == payload[i]);
    auto t = s.param("tuple").as_socktuple();
    CHECK(t.src_port == ntohs(saddr.sin_port));
    CHECK(t.dst_port == ntohs(raddr.sin_port));
    const auto& r = events[3 + i];
    CHECK(r.type() == kRecvmmsgX);
    CHECK(r.param("res").as_i64() == static_cast<int64_t>(strlen(payload[i])));
    CHECK(r.param("fd").as_i64() == rx);
    CHECK(r.param("size").as_u32() == strlen(payload[i]));
    CHECK(text(r.param("data")) == payload[i]);
    CHECK(r.param("tuple").as_socktuple().family == capture::kAfInet);
    CHECK(r.param("msgcontrol").empty());
  }
  const auto& failed = events[6];
  CHECK(failed.type() == kRecvmmsgX);
  CHECK(failed.param("res").as_i64() == -EAGAIN);
  CHECK(failed.param("size").as_u32() == 0);
  CHECK(failed.param("data").empty());
  CHECK(failed.param("tuple").empty());
}

TEST_CASE("accept and accept4 report the listener's backlog length, maximum and fill percentage") {
  auto src = open_live(test_options({"accept", "accept4"}));
  const int64_t tid = current_tid();
  sockaddr_in addr{};
  int srv = loopback_listener(10, addr);
  // Three connections wait in the queue; the first accept leaves two.
  int clients[3];
  for (int& c : clients) c = connected_tcp_socket(addr);
  int conn = accept(srv, nullptr, nullptr);
  REQUIRE(conn >= 0);
  int conn4 = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
  REQUIRE(conn4 >= 0);
  close(conn);
  close(conn4);
  for (int c : clients) close(c);
  close(srv);
  emit_marker();
  constexpr uint16_t kAccept4X = 389;
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kAcceptX || e.type() == kAccept4X);
  });
  REQUIRE(events.size() == 2);
  CHECK(events[0].type() == kAcceptX);
  CHECK(events[0].param("fd").as_i64() == conn);
  CHECK(events[0].param("queuelen").as_u32() == 2);
  CHECK(events[0].param("queuemax").as_u32() == 10);
  CHECK(events[0].param("queuepct").as_u8() == 20);
  CHECK(events[1].type() == kAccept4X);
  CHECK(events[1].param("fd").as_i64() == conn4);
  CHECK(events[1].param("queuelen").as_u32() == 1);
  CHECK(events[1].param("queuemax").as_u32() == 10);
  CHECK(events[1].param("queuepct").as_u8() == 10);
}

TEST_CASE("socketpair reports both fds and the kernel addresses of the two connected sockets") {
  auto src = open_live(test_options({"socketpair", "sendto"}));
  const int64_t tid = current_tid();
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  // A send on the second end: its tuple names the same two sockets, the other way round.
  REQUIRE(send(sv[1], "x", 1, 0) == 1);
  close(sv[0]);
  close(sv[1]);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kSocketpairX || e.type() == 31 /* sendto X */);
  });
  REQUIRE(events.size() == 2);
  const auto& sp = events[0];
  CHECK(sp.param("res").as_i64() == 0);
  CHECK(sp.param("fd1").as_i64() == sv[0]);
  CHECK(sp.param("fd2").as_i64() == sv[1]);
  const uint64_t source = sp.param("source").as_u64(), peer = sp.param("peer").as_u64();
  CHECK(source != 0);
  CHECK(peer != 0);
  CHECK(source != peer);
  CHECK(sp.param("domain").as_u32() == AF_UNIX);
  auto t = events[1].param("tuple").as_socktuple();
  REQUIRE(t.family == capture::kAfUnix);
  CHECK(t.unix_src == peer);
  CHECK(t.unix_dst == source);
}

TEST_CASE("sendto and recvfrom on unconnected UDP sockets take the peer from the address arguments") {
  auto src = open_live(test_options({"sendto", "recvfrom"}));
  const int64_t tid = current_tid();
  sockaddr_in raddr{}, saddr{};
  int rx = bound_udp(raddr);
  int tx = bound_udp(saddr);
  REQUIRE(sendto(tx, "ping", 4, 0, reinterpret_cast<sockaddr*>(&raddr), sizeof raddr) == 4);
  char buf[16];
  sockaddr_in from{};
  socklen_t flen = sizeof from;
  REQUIRE(recvfrom(rx, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen) == 4);
  close(rx);
  close(tx);
  emit_marker();
  constexpr uint16_t kSendtoX = 31, kRecvfromX = 35;
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    return e.tid() == tid && (e.type() == kSendtoX || e.type() == kRecvfromX);
  });
  REQUIRE(events.size() == 2);
  auto st = events[0].param("tuple").as_socktuple();
  REQUIRE(st.family == capture::kAfInet);
  CHECK(st.src_port == ntohs(saddr.sin_port));  // sent: this socket first
  CHECK(st.dst_port == ntohs(raddr.sin_port));
  CHECK(text(events[0].param("data")) == "ping");
  auto rt = events[1].param("tuple").as_socktuple();
  REQUIRE(rt.family == capture::kAfInet);
  CHECK(rt.src_port == ntohs(saddr.sin_port));  // received: the peer first
  CHECK(rt.dst_port == ntohs(raddr.sin_port));
  CHECK(text(events[1].param("data")) == "ping");
}
