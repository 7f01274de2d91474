// Writing metrics to files: the Prometheus textfile (atomic replace) and JSON stats lines.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vigil/engine/metrics.h"

namespace vigil::engine {

namespace {

std::string errno_text(int err) {
  char buf[128];
  return strerror_r(err, buf, sizeof buf);
}

Status write_all(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{"cannot write metrics: " + errno_text(errno), path};
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

Status write_prometheus_file(const std::string& path, const MetricsSnapshot& m) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot create metrics file: " + errno_text(errno), tmp};
  Status st = write_all(fd, render_prometheus(m), tmp);
  if (::close(fd) != 0 && st.ok()) st = Error{"cannot write metrics: " + errno_text(errno), tmp};
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) st = Error{"cannot replace metrics file: " + errno_text(errno), path};
  if (!st.ok()) ::unlink(tmp.c_str());
  return st;
}

Status append_stats_line(const std::string& path, const MetricsSnapshot& m, bool include_empty) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return Error{"cannot open metrics file: " + errno_text(errno), path};
  Status st = write_all(fd, render_stats_json(m, include_empty) + "\n", path);
  ::close(fd);
  return st;
}

}  // namespace vigil::engine
