// Syslog output over a unix datagram socket (/dev/log by default).
//
// RFC 3164 lines look like what glibc's syslog(3) sends to the local socket, which is what Falco
// emits: "<PRI>Mmm dd hh:mm:ss APP[PID]: MSG" (local time, no host name: the local daemon adds
// it). RFC 5424 lines are "<PRI>1 TIMESTAMP HOST APP PID - - MSG" with a UTC time stamp.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include "outputs/fd_io.h"
#include "vigil/engine/alert_sink.h"

namespace vigil::engine {

namespace {

uint64_t wall_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

uint64_t steady_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

class SyslogSink final : public AlertSink {
 public:
  explicit SyslogSink(SyslogSinkOptions o) : o_(std::move(o)) {
    if (o_.hostname.empty()) {
      char buf[256] = {};
      if (::gethostname(buf, sizeof buf - 1) == 0) o_.hostname = buf;
    }
    if (o_.hostname.empty()) o_.hostname = "-";
    if (o_.app_name.empty()) o_.app_name = "vigil";
  }
  ~SyslogSink() override { disconnect(); }

  Status write(const RenderedAlert& alert) override {
    std::string msg = header(alert.priority) + alert.line;
    // A restarted syslog daemon leaves us connected to a dead socket: reconnect once.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0) {
        if (Status st = connect_socket(); !st.ok()) return st;
      }
      ssize_t n = ::send(fd_, msg.data(), msg.size(), MSG_NOSIGNAL);
      if (n == static_cast<ssize_t>(msg.size())) return {};
      int err = n < 0 ? errno : EMSGSIZE;
      disconnect();
      if (err == EMSGSIZE || attempt == 1) {
        return Error{"syslog: cannot send alert: " + outputs::errno_text(err), o_.socket_path};
      }
    }
    return {};
  }

  Status reopen() override {
    disconnect();
    retry_at_ns_ = 0;
    return {};
  }

  bool available() override { return retry_at_ns_ == 0 || steady_ns() >= retry_at_ns_; }

 private:
  std::string header(Priority p) const {
    int pri = o_.facility * 8 + static_cast<int>(p);
    uint64_t ns = o_.clock ? o_.clock() : wall_ns();
    time_t secs = static_cast<time_t>(ns / 1000000000ull);
    struct tm tm;
    char stamp[64];
    std::string out = "<" + std::to_string(pri) + ">";
    if (o_.format == SyslogFormat::Rfc3164) {
      localtime_r(&secs, &tm);
      std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
      out += stamp;
      out += ' ' + o_.app_name + '[' + std::to_string(::getpid()) + "]: ";
    } else {
      gmtime_r(&secs, &tm);
      std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
      char frac[16];
      std::snprintf(frac, sizeof frac, ".%06uZ", static_cast<unsigned>((ns % 1000000000ull) / 1000));
      out += "1 ";
      out += stamp;
      out += frac;
      out += ' ' + o_.hostname + ' ' + o_.app_name + ' ' + std::to_string(::getpid()) + " - - ";
    }
    return out;
  }

  Status connect_socket() {
    struct sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    if (o_.socket_path.size() >= sizeof addr.sun_path) return Error{"syslog: socket path too long", o_.socket_path};
    std::memcpy(addr.sun_path, o_.socket_path.data(), o_.socket_path.size());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return Error{"syslog: socket: " + outputs::errno_text(errno)};
    if (::connect(fd_, reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr) != 0) {
      int err = errno;
      disconnect();
      retry_at_ns_ = steady_ns() + uint64_t{o_.retry_interval_ms} * 1000000ull;
      return Error{"syslog: cannot connect: " + outputs::errno_text(err) + " (alerts for syslog are dropped and counted; next try in " +
                       std::to_string(o_.retry_interval_ms / 1000) + " s)",
                   o_.socket_path};
    }
    retry_at_ns_ = 0;
    return {};
  }

  void disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  SyslogSinkOptions o_;
  int fd_ = -1;
  uint64_t retry_at_ns_ = 0;  // steady clock; 0: connect at the next alert
};

}  // namespace

std::unique_ptr<AlertSink> make_syslog_sink(SyslogSinkOptions options) {
  return std::make_unique<SyslogSink>(std::move(options));
}

}  // namespace vigil::engine
