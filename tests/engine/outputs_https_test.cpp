// HTTPS output against an in-process TLS server (OpenSSL) with a certificate made for the test:
// verification against ca_cert, refusal of an unknown CA, and `insecure`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "test_paths.h"
#include "vigil/engine/alert_sink.h"

using namespace vigil::engine;

namespace {

struct Certificate {
  std::string cert, key;
};

// A self-signed certificate for 127.0.0.1 (the openssl tool, fixed arguments).
Certificate make_certificate() {
  std::string dir = vigil::test::temp_dir();
  Certificate c{dir + "/cert.pem", dir + "/key.pem"};
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "
                    "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                    c.key + " -out " + c.cert + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return c;
}

// Serves one TLS connection: reads one HTTP request and answers 200. Bounded by 10 s.
class TlsServer {
 public:
  explicit TlsServer(const Certificate& c) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    REQUIRE(ctx_);
    REQUIRE(SSL_CTX_use_certificate_file(ctx_, c.cert.c_str(), SSL_FILETYPE_PEM) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(ctx_, c.key.c_str(), SSL_FILETYPE_PEM) == 1);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/alerts"; }
  void join() { thread_.join(); }

  bool handshake_ok = false;
  std::string request;  // head and body as received

 private:
  void serve() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return;
    int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return;
    timeval tv{10, 0};
    ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, conn);
    if (SSL_accept(ssl) == 1) {
      handshake_ok = true;
      char buf[4096];
      for (;;) {
        size_t head = request.find("\r\n\r\n");
        if (head != std::string::npos) {
          size_t cl = request.find("Content-Length: ");
          size_t length = cl == std::string::npos ? 0 : std::stoul(request.substr(cl + 16));
          if (request.size() >= head + 4 + length) break;
        }
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      SSL_write(ssl, answer, sizeof answer - 1);
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ::close(conn);
  }

  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

Alert sample_alert() {
  Alert a;
  a.time_ns = 1470327477881781397ull;
  a.rule = "open_from_cat";
  a.priority = Priority::Warning;
  a.source = "syscall";
  a.tags = {"filesystem"};
  a.message = "An open was seen";
  a.text = "2016-08-04T16:17:57.881781397+0000: Warning An open was seen";
  a.hostname = "testhost";
  return a;
}

}  // namespace

TEST_CASE("https output verifies the server against ca_cert and posts the JSON alert") {
  Certificate cert = make_certificate();
  TlsServer server(cert);
  HttpSinkOptions o;
  o.url = server.url();
  o.ca_cert = cert.cert;
  auto sink = make_http_sink(o);
  Alert alert = sample_alert();
  vigil::Status st = sink->write(render_alert(alert, {}));
  server.join();
  INFO((st.ok() ? std::string() : st.error().to_string()));
  REQUIRE(st.ok());
  CHECK(server.handshake_ok);
  CHECK(server.request.rfind("POST /alerts HTTP/1.1\r\n", 0) == 0);
  CHECK(server.request.find("\r\nContent-Type: application/json\r\n") != std::string::npos);
  CHECK(server.request.substr(server.request.find("\r\n\r\n") + 4) == alert.to_json());
}

TEST_CASE("https output refuses a server whose certificate it cannot verify") {
  Certificate cert = make_certificate();
  Certificate other = make_certificate();  // a different self-signed CA
  TlsServer server(cert);
  HttpSinkOptions o;
  o.url = server.url();
  o.ca_cert = other.cert;
  auto sink = make_http_sink(o);
  vigil::Status st = sink->write(render_alert(sample_alert(), {}));
  server.join();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("http output:") == 0);
  CHECK(server.request.empty());
}

TEST_CASE("https output with insecure skips certificate verification") {
  Certificate cert = make_certificate();
  TlsServer server(cert);
  HttpSinkOptions o;
  o.url = server.url();
  o.insecure = true;
  auto sink = make_http_sink(o);
  Alert alert = sample_alert();
  vigil::Status st = sink->write(render_alert(alert, {}));
  server.join();
  INFO((st.ok() ? std::string() : st.error().to_string()));
  REQUIRE(st.ok());
  CHECK(server.request.substr(server.request.find("\r\n\r\n") + 4) == alert.to_json());
}
