// Alert sinks: the places alerts go (Falco's stdout, file, syslog, program and http outputs).
//
// An Alert is rendered once (render_alert) into a RenderedAlert that every sink reads. Sinks do
// the blocking work (writes, child processes, HTTP requests); the Outputs dispatcher (outputs.h)
// runs each sink on its own worker thread so a slow sink never stalls event processing.
//
// Thread safety: a sink is driven by one thread at a time (its worker); sinks share nothing, so
// different sinks may run concurrently. render_alert is a pure function.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/engine/engine.h"
#include "vigil/engine/priority.h"

namespace vigil::engine {

// How alerts are rendered (Falco's json_* configuration keys).
struct AlertFormat {
  bool json_output = false;           // sinks that print lines print the JSON alert instead of text
  bool include_output = true;         // json_include_output_property
  bool include_output_fields = true;  // json_include_output_fields_property
  bool include_tags = true;           // json_include_tags_property
  bool include_message = false;       // json_include_message_property
};

// One alert as sinks see it. `line` is what line-oriented sinks print (text or JSON according to
// json_output); `json` is the JSON alert (HTTP posts it whatever json_output says, which is what
// falcosidekick expects), left empty when no sink needs it. Neither ends in a newline.
struct RenderedAlert {
  uint64_t time_ns = 0;
  Priority priority = Priority::Debug;
  std::string rule;
  std::string line;
  std::string json;
};

// `with_json` false skips building `json` unless json_output needs it for `line`.
RenderedAlert render_alert(const Alert& alert, const AlertFormat& format, bool with_json = true);

// A destination for alerts. Implementations report failures as Status; the dispatcher counts
// them and keeps going.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Delivers one alert.
  virtual Status write(const RenderedAlert& alert) = 0;
  // Pushes buffered bytes out. Called after every write in unbuffered mode and on shutdown.
  virtual Status flush() { return {}; }
  // True when write() reads RenderedAlert::json (the HTTP sink); others use `line`.
  virtual bool needs_json() const { return false; }
  // Reopens files and restarts kept-alive children (what Falco does on SIGUSR1), so a rotated
  // log file is followed.
  virtual Status reopen() { return {}; }
  // False while the destination is known to be absent (syslog with no daemon listening): the
  // dispatcher counts alerts as dropped without calling write(), so one missing /dev/log is one
  // reported failure, not one per alert. The sink decides when it is worth trying again.
  virtual bool available() { return true; }
};

// Standard output (or any FILE*, for embedding). The stream is not owned.
std::unique_ptr<AlertSink> make_stdout_sink(std::FILE* stream = nullptr);

struct FileSinkOptions {
  std::string path;
  // true: the file stays open between alerts (reopen() follows rotation). false: the file is
  // opened and closed for every alert, as Falco does, so rotation needs no signal.
  bool keep_alive = false;
};
// Appends one line per alert to `path`, creating it (mode 0640) when missing.
std::unique_ptr<AlertSink> make_file_sink(FileSinkOptions options);

enum class SyslogFormat : uint8_t { Rfc3164, Rfc5424 };

struct SyslogSinkOptions {
  std::string socket_path = "/dev/log";  // a unix datagram socket
  SyslogFormat format = SyslogFormat::Rfc3164;
  int facility = 1;                      // user-level messages, like Falco (LOG_USER)
  std::string app_name = "vigil";
  std::string hostname;                  // empty: gethostname()
  // Seconds since the epoch in ns for the header time stamp; empty: the wall clock.
  std::function<uint64_t()> clock;
  // After a failed connection, alerts are dropped (counted) for this long before the next try.
  uint32_t retry_interval_ms = 30000;
};
// Sends one datagram per alert, severity = the alert priority (Falco's priorities are syslog's
// severities: Emergency 0 ... Debug 7). Reconnects after the socket goes away; while nothing
// listens, write() fails once and available() is false until retry_interval_ms has passed.
std::unique_ptr<AlertSink> make_syslog_sink(SyslogSinkOptions options);

struct ProgramSinkOptions {
  // Executed directly with execve (PATH is searched when argv[0] has no '/'); never through a
  // shell, so alert text can never become a command. To use a pipeline, name a shell yourself:
  // {"/bin/sh", "-c", "jq .output | logger"} -- the alert still only reaches its stdin.
  std::vector<std::string> argv;
  // true: one long-lived child reads all alerts, one per line. false: one child per alert.
  bool keep_alive = false;
};
std::unique_ptr<AlertSink> make_program_sink(ProgramSinkOptions options);

struct HttpSinkOptions {
  std::string url;
  std::string user_agent = "vigil";
  std::map<std::string, std::string> headers;  // extra request headers
  bool insecure = false;      // do not verify the peer certificate / host name
  std::string ca_cert;        // a PEM file with the CA to trust
  std::string ca_path;        // a directory of CA certificates
  std::string client_cert;    // mutual TLS
  std::string client_key;
  long timeout_ms = 5000;     // whole request
  long connect_timeout_ms = 2000;
  bool keep_alive = true;     // reuse the connection between alerts
};
// POSTs the JSON alert with Content-Type: application/json. A non-2xx answer is a failure.
std::unique_ptr<AlertSink> make_http_sink(HttpSinkOptions options);

// Calls `fn` for each alert (embedding, tests). `needs_json` false lets Outputs skip building
// RenderedAlert::json when nothing else needs it.
std::unique_ptr<AlertSink> make_callback_sink(std::function<Status(const RenderedAlert&)> fn, bool needs_json = true);

}  // namespace vigil::engine
