// MetricsServer: one thread, poll() on the listening socket and a wake-up pipe, HTTP/1.0-style
// answers with Connection: close.
#include "vigil/engine/metrics_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

namespace vigil::engine {

namespace {

constexpr size_t kMaxRequestHead = 8192;
constexpr int kClientTimeoutMs = 1000;

std::string errno_text(int err) {
  char buf[128];
  return strerror_r(err, buf, sizeof buf);
}

void send_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string response(int status, const char* reason, const char* type, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Reads until the end of the request head; empty when the client is too slow, too big or gone.
std::string read_head(int fd) {
  std::string head;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kClientTimeoutMs);
  while (head.find("\r\n\r\n") == std::string::npos && head.find("\n\n") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || head.size() > kMaxRequestHead) return {};
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
    char buf[2048];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {};
    head.append(buf, static_cast<size_t>(n));
  }
  return head;
}

}  // namespace

struct MetricsServer::State {
  MetricsServerOptions options;
  int listen_fd = -1;
  int wake[2] = {-1, -1};
  uint16_t port = 0;
  std::mutex mu;
  std::string text;  // what /metrics answers
  std::atomic<uint64_t> served{0};
  std::thread thread;

  ~State() {
    for (int fd : {listen_fd, wake[0], wake[1]})
      if (fd >= 0) ::close(fd);
  }

  void serve_one(int conn) {
    const std::string head = read_head(conn);
    if (head.empty()) return;
    const size_t sp1 = head.find(' ');
    const size_t sp2 = sp1 == std::string::npos ? sp1 : head.find(' ', sp1 + 1);
    const std::string method = head.substr(0, sp1);
    std::string target = sp2 == std::string::npos ? "" : head.substr(sp1 + 1, sp2 - sp1 - 1);
    if (size_t q = target.find('?'); q != std::string::npos) target.resize(q);
    std::string answer;
    if (method != "GET" && method != "HEAD") {
      answer = response(405, "Method Not Allowed", "text/plain", "only GET\n");
    } else if (target == "/metrics" && options.serve_metrics) {
      std::lock_guard lk(mu);
      answer = response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", text);
    } else if (target == options.health_path) {
      answer = response(200, "OK", "application/json", "{\"status\": \"ok\"}");
    } else {
      answer = response(404, "Not Found", "text/plain", "not found\n");
    }
    if (method == "HEAD") answer.resize(answer.find("\r\n\r\n") + 4);
    send_all(conn, answer);
    served.fetch_add(1, std::memory_order_relaxed);
  }

  void run() {
    for (;;) {
      pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      const int conn = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      serve_one(conn);
      ::close(conn);
    }
  }
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(MetricsServerOptions options) {
  auto s = std::make_unique<State>();
  s->options = std::move(options);
  const std::string where = s->options.address + ":" + std::to_string(s->options.port);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(s->options.port);
  if (::inet_pton(AF_INET, s->options.address.c_str(), &addr.sin_addr) != 1)
    return Error{"metrics server: not an IPv4 address: " + s->options.address};
  s->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s->listen_fd < 0) return Error{"metrics server: socket: " + errno_text(errno)};
  const int one = 1;
  ::setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(s->listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(s->listen_fd, 16) != 0)
    return Error{"metrics server: cannot listen on " + where + ": " + errno_text(errno)};
  socklen_t len = sizeof addr;
  if (::getsockname(s->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return Error{"metrics server: getsockname: " + errno_text(errno)};
  s->port = ntohs(addr.sin_port);
  if (::pipe2(s->wake, O_CLOEXEC) != 0) return Error{"metrics server: pipe: " + errno_text(errno)};
  State* raw = s.get();
  s->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(s)));
}

MetricsServer::MetricsServer(std::unique_ptr<State> s) : s_(std::move(s)) {}

MetricsServer::~MetricsServer() {
  const char byte = 0;
  (void)!::write(s_->wake[1], &byte, 1);
  if (s_->thread.joinable()) s_->thread.join();
}

void MetricsServer::publish(std::string prometheus_text) {
  std::lock_guard lk(s_->mu);
  s_->text = std::move(prometheus_text);
}

uint16_t MetricsServer::port() const { return s_->port; }

uint64_t MetricsServer::requests_served() const { return s_->served.load(std::memory_order_relaxed); }

}  // namespace vigil::engine
