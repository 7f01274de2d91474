// An HTTP/1.1 receiver on 127.0.0.1 for tests of vigil's http output: it records every request
// (one per connection or several on a kept-alive one, from any number of connections) and answers
// each with a fixed status. Every wait is bounded, so a broken client cannot hang a test.
//
// Thread-safety: serve() runs the receiver on its own thread; read `requests` only after join()
// or stop().
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "loopback_sockets.h"

namespace vigil::test {

// One request as received: the head as sent (request line and header lines), its parts, and the
// body (Content-Length bytes).
struct HttpRequest {
  std::string head;
  std::string method, target, version;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of header `name` (case-insensitive), or "<missing>".
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < k.size() && same; ++i)
        same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
      if (same) return v;
    }
    return "<missing>";
  }
};

class LoopbackHttpServer {
 public:
  // Listens at once (clients may connect before serve(); they wait in the backlog).
  explicit LoopbackHttpServer(int status = 200) : status_(status) {
    sockaddr_in addr{};
    fd_ = loopback_listener(8, addr);
    port_ = ntohs(addr.sin_port);
  }
  ~LoopbackHttpServer() {
    stop();
    ::close(fd_);
  }
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  // Serves on a thread of its own until `count` requests were recorded, stop() is called or
  // `limit` passed.
  void serve(size_t count = std::numeric_limits<size_t>::max(),
             std::chrono::seconds limit = std::chrono::seconds(20)) {
    thread_ = std::thread([this, count, limit] { run(count, limit); });
  }
  // Waits until serving ends by itself (count reached or time limit).
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  // Ends serving now (requests already received are kept) and waits for it.
  void stop() {
    stop_ = true;
    join();
  }

  std::vector<HttpRequest> requests;

 private:
  void run(size_t count, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::vector<std::pair<int, std::string>> conns;  // fd, bytes not yet parsed
    while (!stop_ && requests.size() < count && std::chrono::steady_clock::now() < deadline) {
      std::vector<pollfd> fds{{fd_, POLLIN, 0}};
      for (const auto& c : conns) fds.push_back({c.first, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (conn >= 0) conns.emplace_back(conn, "");
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        auto& [conn, buf] = conns[i - 1];
        char tmp[4096];
        const ssize_t n = ::read(conn, tmp, sizeof tmp);
        if (n <= 0) {
          ::close(conn);
          conn = -1;
          continue;
        }
        buf.append(tmp, static_cast<size_t>(n));
        answer_complete_requests(conn, buf);
      }
      std::erase_if(conns, [](const auto& c) { return c.first < 0; });
    }
    for (const auto& c : conns) ::close(c.first);
  }

  // Records and answers each whole request at the front of `buf`.
  void answer_complete_requests(int conn, std::string& buf) {
    for (size_t end; (end = buf.find("\r\n\r\n")) != std::string::npos;) {
      HttpRequest r = parse_head(buf.substr(0, end));
      const std::string length_text = r.header("Content-Length");
      const size_t length = length_text == "<missing>" ? 0 : std::stoul(length_text);
      if (buf.size() < end + 4 + length) return;
      r.body = buf.substr(end + 4, length);
      buf.erase(0, end + 4 + length);
      requests.push_back(std::move(r));
      const std::string answer = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: 2\r\n\r\nok";
      (void)!::write(conn, answer.data(), answer.size());
    }
  }

  static HttpRequest parse_head(const std::string& head) {
    HttpRequest r;
    r.head = head;
    std::istringstream in(head);
    std::string line;
    std::getline(in, line);
    std::istringstream first(line);
    first >> r.method >> r.target >> r.version;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      r.headers.emplace_back(line.substr(0, colon), v);
    }
    return r;
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  int status_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace vigil::test
