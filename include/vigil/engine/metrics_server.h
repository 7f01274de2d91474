// MetricsServer: a minimal HTTP endpoint for Prometheus to scrape (Falco's `webserver` section).
//
//   auto server = vigil::engine::MetricsServer::start({.address = "127.0.0.1", .port = 8765});
//   if (!server) die(server.error().to_string());
//   ... once a second, from the event loop:
//   (*server)->publish(vigil::engine::render_prometheus(snapshot));
//
// GET /metrics answers the last published text (Content-Type text/plain; version=0.0.4), GET
// on the health path answers {"status": "ok"}, anything else 404. Requests are served one at a
// time by one thread, each connection closed after its answer; a client that sends nothing for
// a second is dropped, so no client can hold the server. The server never looks at the engine:
// the application publishes snapshots, which keeps the event loop the only reader of its state.
//
// Thread safety: publish() and port() from any thread. The destructor stops the thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vigil/common/result.h"

namespace vigil::engine {

struct MetricsServerOptions {
  std::string address = "127.0.0.1";  // an IPv4 address to listen on
  uint16_t port = 8765;               // 0: any free port (see port())
  std::string health_path = "/healthz";
  bool serve_metrics = true;          // false: /metrics answers 404 (health only)
};

class MetricsServer {
 public:
  // Binds and starts serving. Errors name the address and port that could not be used.
  static Result<std::unique_ptr<MetricsServer>> start(MetricsServerOptions options);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Replaces what GET /metrics answers.
  void publish(std::string prometheus_text);
  uint16_t port() const;
  uint64_t requests_served() const;

  struct State;

 private:
  explicit MetricsServer(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace vigil::engine
