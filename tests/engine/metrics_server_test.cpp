// MetricsServer against a real HTTP client on loopback: what it answers, and that a silent
// client cannot block it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "vigil/engine/config.h"
#include "vigil/engine/metrics.h"
#include "vigil/engine/metrics_server.h"

using namespace vigil::engine;

namespace {

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Sends `request` and reads the whole answer (the server closes the connection).
std::string http_exchange(uint16_t port, const std::string& request) {
  const int fd = connect_to(port);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string answer;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) break;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return answer;
}

std::string get(uint16_t port, const std::string& path) {
  return http_exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n");
}

}  // namespace

TEST_CASE("the metrics server answers the published Prometheus text, the health check and 404s") {
  auto server = MetricsServer::start({.address = "127.0.0.1", .port = 0});
  REQUIRE(server.ok());
  const uint16_t port = (*server)->port();
  REQUIRE(port != 0);
  MetricsSnapshot m;
  m.events = 1234;
  m.state_sizes = {{"threads", 7}};
  (*server)->publish(render_prometheus(m));
  const std::string metrics = get(port, "/metrics");
  INFO(metrics);
  CHECK(metrics.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(metrics.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  CHECK(metrics.find("\r\n\r\n" + render_prometheus(m)) != std::string::npos);
  CHECK(metrics.find("\nvigil_events_total 1234\n") != std::string::npos);
  m.events = 1235;  // a new snapshot replaces the old one
  (*server)->publish(render_prometheus(m));
  CHECK(get(port, "/metrics?x=1").find("\nvigil_events_total 1235\n") != std::string::npos);
  const std::string health = get(port, "/healthz");
  CHECK(health.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(health.find("\r\n\r\n{\"status\": \"ok\"}") != std::string::npos);
  CHECK(get(port, "/other").rfind("HTTP/1.1 404 ", 0) == 0);
  CHECK(http_exchange(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").rfind("HTTP/1.1 405 ", 0) == 0);
  CHECK((*server)->requests_served() == 5);
}

TEST_CASE("a client that connects and says nothing does not keep the metrics server from answering") {
  auto server = MetricsServer::start({.port = 0, .health_path = "/ready", .serve_metrics = false});
  REQUIRE(server.ok());
  const int silent = connect_to((*server)->port());
  CHECK(get((*server)->port(), "/ready").rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(get((*server)->port(), "/metrics").rfind("HTTP/1.1 404 ", 0) == 0);  // metrics off
  ::close(silent);
}

TEST_CASE("the metrics server names the address it cannot listen on") {
  auto first = MetricsServer::start({.port = 0});
  REQUIRE(first.ok());
  auto second = MetricsServer::start({.port = (*first)->port()});
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message.find("127.0.0.1:" + std::to_string((*first)->port())) != std::string::npos);
  auto bad = MetricsServer::start({.address = "localhost", .port = 0});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("not an IPv4 address: localhost") != std::string::npos);
}

TEST_CASE("the webserver section is read like Falco's, with TLS refused") {
  auto c = load_config_string(
      "webserver:\n  enabled: true\n  threadiness: 0\n  listen_port: 9999\n  listen_address: 0.0.0.0\n"
      "  k8s_healthz_endpoint: /health\n  prometheus_metrics_enabled: true\n  ssl_certificate: /x.pem\n",
      "vigil.yaml");
  REQUIRE(c.ok());
  CHECK(c->warnings.empty());
  CHECK(c->webserver.enabled);
  CHECK(c->webserver.listen_port == 9999);
  CHECK(c->webserver.listen_address == "0.0.0.0");
  CHECK(c->webserver.k8s_healthz_endpoint == "/health");
  CHECK(c->webserver.prometheus_metrics_enabled);
  CHECK_FALSE(Config().webserver.enabled);
  auto tls = load_config_string("webserver:\n  ssl_enabled: true\n", "vigil.yaml");
  REQUIRE_FALSE(tls.ok());
  CHECK(tls.error().line == 2);
  CHECK(tls.error().message.find("TLS is not supported") != std::string::npos);
  auto port = load_config_string("", "vigil.yaml", {"webserver.listen_port=70000"});
  CHECK_FALSE(port.ok());
}
