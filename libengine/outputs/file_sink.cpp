// File output: appends one line per alert. keep_alive keeps the descriptor (and a write buffer)
// between alerts; reopen() closes it so the next alert lands in a fresh file after rotation.
#include <fcntl.h>
#include <unistd.h>

#include "outputs/fd_io.h"
#include "vigil/engine/alert_sink.h"

namespace vigil::engine {

namespace {

class FileSink final : public AlertSink {
 public:
  explicit FileSink(FileSinkOptions o) : o_(std::move(o)) {}
  ~FileSink() override {
    (void)flush();
    close_fd();
  }

  Status write(const RenderedAlert& alert) override {
    pending_ += alert.line;
    pending_ += '\n';
    // Without keep_alive the file is opened per alert, so there is nothing to buffer across.
    if (!o_.keep_alive || pending_.size() >= kMaxPending) return flush();
    return {};
  }

  Status flush() override {
    if (pending_.empty()) return {};
    if (fd_ < 0) {
      fd_ = ::open(o_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
      if (fd_ < 0) {
        int err = errno;
        pending_.clear();  // the alerts are lost; the dispatcher counts the failure
        return Error{"cannot open alert file: " + outputs::errno_text(err), o_.path};
      }
    }
    int err = outputs::write_all(fd_, pending_);
    pending_.clear();
    if (!o_.keep_alive) close_fd();
    if (err) {
      close_fd();  // try a fresh descriptor next time
      return Error{"cannot write alert file: " + outputs::errno_text(err), o_.path};
    }
    return {};
  }

  Status reopen() override {
    Status st = flush();
    close_fd();
    return st;
  }

 private:
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  static constexpr size_t kMaxPending = 64 * 1024;  // buffered mode writes at least this often

  FileSinkOptions o_;
  int fd_ = -1;
  std::string pending_;
};

}  // namespace

std::unique_ptr<AlertSink> make_file_sink(FileSinkOptions options) {
  return std::make_unique<FileSink>(std::move(options));
}

}  // namespace vigil::engine
