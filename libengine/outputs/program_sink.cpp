// Program output: starts argv directly (posix_spawnp, no shell) with the alert on its stdin.
//
// The child's stdin is one end of a socketpair rather than a pipe so that writes can use
// MSG_NOSIGNAL: a child that exits early gives EPIPE instead of killing vigil with SIGPIPE,
// without touching process-wide signal dispositions.
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "outputs/fd_io.h"
#include "vigil/engine/alert_sink.h"

extern char** environ;

namespace vigil::engine {

namespace {

class ProgramSink final : public AlertSink {
 public:
  explicit ProgramSink(ProgramSinkOptions o) : o_(std::move(o)) {}
  ~ProgramSink() override { (void)stop_child(); }

  Status write(const RenderedAlert& alert) override {
    std::string data = alert.line + '\n';
    if (!o_.keep_alive) {
      if (Status st = start_child(); !st.ok()) return st;
      int err = outputs::write_all(fd_, data, true);
      Status exit_status = stop_child();
      if (err) return Error{"program output: cannot write to " + o_.argv[0] + ": " + outputs::errno_text(err)};
      return exit_status;
    }
    // A kept-alive child that died is restarted once.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (pid_ < 0) {
        if (Status st = start_child(); !st.ok()) return st;
      }
      int err = outputs::write_all(fd_, data, true);
      if (!err) return {};
      (void)stop_child();
      if (attempt == 1) return Error{"program output: cannot write to " + o_.argv[0] + ": " + outputs::errno_text(err)};
    }
    return {};
  }

  Status reopen() override {
    if (pid_ < 0) return {};
    return stop_child();
  }

 private:
  Status start_child() {
    if (o_.argv.empty() || o_.argv[0].empty()) return Error{"program output: no program configured"};
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      return Error{"program output: socketpair: " + outputs::errno_text(errno)};
    }
    // The child's end must not stay writable in the child, or it would never see EOF.
    ::shutdown(sv[1], SHUT_WR);
    ::shutdown(sv[0], SHUT_RD);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], STDIN_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> argv;
    for (auto& a : o_.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid;
    int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(sv[1]);
    if (rc != 0) {
      ::close(sv[0]);
      return Error{"program output: cannot start " + o_.argv[0] + ": " + outputs::errno_text(rc)};
    }
    pid_ = pid;
    fd_ = sv[0];
    return {};
  }

  // Closes the child's stdin and reaps it. A child that ignores EOF for 5 s is killed.
  Status stop_child() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (pid_ < 0) return {};
    pid_t pid = pid_;
    pid_ = -1;
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) return Error{"program output: waitpid: " + outputs::errno_text(errno)};
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return Error{"program output: " + o_.argv[0] + " did not exit after its input closed; killed"};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    if (WIFEXITED(status)) {
      return Error{"program output: " + o_.argv[0] + " exited with status " + std::to_string(WEXITSTATUS(status))};
    }
    return Error{"program output: " + o_.argv[0] + " killed by signal " + std::to_string(WTERMSIG(status))};
  }

  ProgramSinkOptions o_;
  pid_t pid_ = -1;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<AlertSink> make_program_sink(ProgramSinkOptions options) {
  return std::make_unique<ProgramSink>(std::move(options));
}

}  // namespace vigil::engine
