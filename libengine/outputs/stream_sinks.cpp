// Sinks that print lines: stdout (any FILE*), and the callback sink for embedders.
#include "vigil/engine/alert_sink.h"

namespace vigil::engine {

namespace {

class StreamSink final : public AlertSink {
 public:
  explicit StreamSink(std::FILE* stream) : stream_(stream ? stream : stdout) {}

  Status write(const RenderedAlert& alert) override {
    // Hold the stream lock across line and newline so the application's own prints from other
    // threads never land inside an alert line.
    flockfile(stream_);
    bool ok = fwrite_unlocked(alert.line.data(), 1, alert.line.size(), stream_) == alert.line.size() &&
              fputc_unlocked('\n', stream_) != EOF;
    funlockfile(stream_);
    if (!ok) return Error{"stdout: write failed"};
    return {};
  }

  Status flush() override {
    if (std::fflush(stream_) != 0) return Error{"stdout: flush failed"};
    return {};
  }

 private:
  std::FILE* stream_;
};

class CallbackSink final : public AlertSink {
 public:
  CallbackSink(std::function<Status(const RenderedAlert&)> fn, bool needs_json)
      : fn_(std::move(fn)), needs_json_(needs_json) {}
  Status write(const RenderedAlert& alert) override { return fn_(alert); }
  bool needs_json() const override { return needs_json_; }

 private:
  std::function<Status(const RenderedAlert&)> fn_;
  bool needs_json_;
};

}  // namespace

std::unique_ptr<AlertSink> make_stdout_sink(std::FILE* stream) { return std::make_unique<StreamSink>(stream); }

std::unique_ptr<AlertSink> make_callback_sink(std::function<Status(const RenderedAlert&)> fn, bool needs_json) {
  return std::make_unique<CallbackSink>(std::move(fn), needs_json);
}

}  // namespace vigil::engine
