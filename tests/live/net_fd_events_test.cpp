// Live capture of sockets, pipes and fd duplication.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "live_harness.h"
#include "live_workloads.h"

using namespace vigil;
using namespace vigil::test;
using capture::EventView;

namespace {
constexpr uint16_t kSocketX = 19, kBindX = 21, kConnectE = 22, kConnectX = 23, kListenX = 25, kAcceptX = 247,
                   kAccept4X = 389, kPipe2X = 393, kDup2X = 363, kDup3X = 365;
constexpr uint32_t kPpmCloexec = 4096;
const std::array<uint8_t, 4> kLoopback{127, 0, 0, 1};

bool is_loopback(const std::array<uint8_t, 16>& a) { return std::equal(kLoopback.begin(), kLoopback.end(), a.begin()); }
}  // namespace

TEST_CASE("a connect to a listener on 127.0.0.1 carries the address and both socket tuples") {
  auto src = open_live(test_options({"socket", "bind", "listen", "connect", "accept", "accept4"}));
  const int64_t tid = current_tid();

  const LoopbackConnection c = open_and_close_loopback_connection(SOCK_STREAM | SOCK_CLOEXEC);
  const int srv = c.listener, cli = c.client, conn = c.accepted;
  const uint16_t port = ntohs(c.server.sin_port);
  const uint16_t cport = ntohs(c.client_end.sin_port);
  emit_marker();

  auto events = collect_until_marker(*src, [&](const EventView& e) { return e.tid() == tid; });

  auto sockets = of_types(events, {kSocketX});
  REQUIRE(sockets.size() == 2);
  CHECK(sockets[0].param("fd").as_i64() == srv);
  CHECK(sockets[0].param("domain").as_u32() == AF_INET);
  CHECK(sockets[0].param("type").as_u32() == SOCK_STREAM);
  CHECK(sockets[1].param("fd").as_i64() == cli);
  CHECK(sockets[1].param("flags").as_u32() == kPpmCloexec);

  auto binds = of_types(events, {kBindX});
  REQUIRE(binds.size() == 1);
  CHECK(binds[0].param("res").as_i64() == 0);
  CHECK(binds[0].param("fd").as_i64() == srv);
  auto bound = binds[0].param("addr").as_sockaddr();
  CHECK(bound.family == capture::kAfInet);
  CHECK(is_loopback(bound.addr));
  CHECK(bound.port == 0);

  auto listens = of_types(events, {kListenX});
  REQUIRE(listens.size() == 1);
  CHECK(listens[0].param("fd").as_i64() == srv);
  CHECK(listens[0].param("backlog").as_i64() == 4);

  auto connects = of_types(events, {kConnectE, kConnectX});
  REQUIRE(connects.size() == 2);
  REQUIRE(connects[0].type() == kConnectE);
  CHECK(connects[0].param("fd").as_i64() == cli);
  auto target = connects[0].param("addr").as_sockaddr();
  CHECK(target.family == capture::kAfInet);
  CHECK(is_loopback(target.addr));
  CHECK(target.port == port);
  const auto& cx = connects[1];
  CHECK(cx.param("res").as_i64() == 0);
  CHECK(cx.param("fd").as_i64() == cli);
  CHECK(cx.param("addr").as_sockaddr().port == port);
  auto tuple = cx.param("tuple").as_socktuple();
  REQUIRE(tuple.family == capture::kAfInet);
  CHECK(is_loopback(tuple.src_addr));  // fd.cip: the local side
  CHECK(tuple.src_port == cport);
  CHECK(is_loopback(tuple.dst_addr));  // fd.sip / fd.sport: the listener
  CHECK(tuple.dst_port == port);

  auto accepts = of_types(events, {kAcceptX, kAccept4X});
  REQUIRE(accepts.size() == 1);
  CHECK(accepts[0].param("fd").as_i64() == conn);
  auto at = accepts[0].param("tuple").as_socktuple();
  REQUIRE(at.family == capture::kAfInet);
  CHECK(at.src_port == cport);  // accept: src is the remote client
  CHECK(at.dst_port == port);
}

TEST_CASE("pipe2 and dup2 report the new fds, the pipe inode and the flags") {
  auto src = open_live(test_options({"pipe", "pipe2", "dup2", "dup3"}));
  const int64_t tid = current_tid();
  int fds[2] = {-1, -1};
  REQUIRE(syscall(SYS_pipe2, fds, O_CLOEXEC) == 0);
  struct stat st {};
  REQUIRE(fstat(fds[0], &st) == 0);
  const int target = 200;
  REQUIRE(syscall(SYS_dup2, fds[1], target) == target);
  REQUIRE(syscall(SYS_dup3, fds[0], target + 1, O_CLOEXEC) == target + 1);
  close(fds[0]);
  close(fds[1]);
  close(target);
  close(target + 1);
  emit_marker();

  // Runtimes (sanitizers, for one) make pipes of their own: keep only this test's fds.
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    if (e.tid() != tid) return false;
    if (e.type() == kPipe2X) return e.param("fd1").as_i64() == fds[0] && e.param("fd2").as_i64() == fds[1];
    return e.param("res").as_i64() == target || e.param("res").as_i64() == target + 1;
  });
  auto pipes = of_types(events, {kPipe2X});
  REQUIRE(pipes.size() == 1);
  CHECK(pipes[0].param("res").as_i64() == 0);
  CHECK(pipes[0].param("fd1").as_i64() == fds[0]);
  CHECK(pipes[0].param("fd2").as_i64() == fds[1]);
  CHECK(pipes[0].param("ino").as_u64() == st.st_ino);
  CHECK(pipes[0].param("flags").as_u32() == kPpmCloexec);

  auto dups = of_types(events, {kDup2X, kDup3X});
  REQUIRE(dups.size() == 2);
  CHECK(dups[0].type() == kDup2X);
  CHECK(dups[0].param("res").as_i64() == target);
  CHECK(dups[0].param("oldfd").as_i64() == fds[1]);
  CHECK(dups[0].param("newfd").as_i64() == target);
  CHECK(dups[1].type() == kDup3X);
  CHECK(dups[1].param("res").as_i64() == target + 1);
  CHECK(dups[1].param("flags").as_u32() == kPpmCloexec);
}
