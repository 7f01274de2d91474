#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "fake_container.h"
#include "files.h"
#include "scenario.h"

extern char** environ;

namespace vigil::scenarios {
namespace {

// argv/envp arrays built before fork, so the child only calls async-signal-safe functions.
std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const std::string& o : overrides)
      replaced = replaced || std::string_view(o).substr(0, o.find('=')) == name;
    if (!replaced) env.emplace_back(entry);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

void reset_signals_in_child() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

bool redirect(const std::string& path, int flags, int target) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool ok = ::dup2(fd, target) == target;
  ::close(fd);
  return ok;
}

// Child side of spawn: any failure is sent as (step, errno) through `error_fd` before _exit.
[[noreturn]] void exec_child(const Command& c, char* const* argv, char* const* envp, int error_fd) {
  struct Failure {
    int step;
    int error;
  };
  const auto fail = [error_fd](int step) {
    const Failure f{step, errno};
    [[maybe_unused]] ssize_t n = ::write(error_fd, &f, sizeof f);
    ::_exit(127);
  };
  reset_signals_in_child();
  if (::setsid() < 0) fail(0);
  if (!redirect(c.stdin_path, O_RDONLY, 0)) fail(1);
  if (!redirect(c.stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 1)) fail(2);
  if (c.stderr_path == c.stdout_path) {
    if (::dup2(1, 2) != 2) fail(3);
  } else if (!redirect(c.stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 2)) {
    fail(3);
  }
  if (!c.cwd.empty() && ::chdir(c.cwd.c_str()) != 0) fail(4);
  if (c.container && !c.container->enter()) fail(6);
  ::execve(c.program.c_str(), argv, envp);
  fail(5);
  ::_exit(127);
}

}  // namespace

bool Exit::succeeded() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string Exit::describe() const {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

Result<Child> spawn(const Command& command) {
  if (command.argv.empty()) return Error{"spawn " + command.program + ": empty argv"};
  std::vector<std::string> argv_strings = command.argv;
  std::vector<std::string> env_strings = merged_environment(command.env);
  const std::vector<char*> argv = c_strings(argv_strings);
  const std::vector<char*> envp = c_strings(env_strings);

  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) return system_error("pipe");
  UniqueFd read_end(error_pipe[0]);
  UniqueFd write_end(error_pipe[1]);

  const pid_t pid = ::fork();
  if (pid < 0) return system_error("fork for " + command.program);
  if (pid == 0) exec_child(command, argv.data(), envp.data(), write_end.get());
  write_end.reset();

  struct {
    int step;
    int error;
  } failure{};
  ssize_t n;
  do n = ::read(read_end.get(), &failure, sizeof failure);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return Child(pid, command.argv.front());  // exec succeeded: the pipe closed on exec

  int status = 0;
  ::waitpid(pid, &status, 0);  // the child has already called _exit
  static constexpr const char* kSteps[] = {"setsid", "open stdin", "open stdout", "open stderr",
                                           "chdir", "execute", "enter the container's cgroups"};
  const char* step = failure.step >= 0 && failure.step < 7 ? kSteps[failure.step] : "start";
  return Error{std::string("could not ") + step + " for " + command.program + ": " +
               std::strerror(failure.error)};
}

void Child::kill_and_reap() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = other.pid_;
    what_ = std::move(other.what_);
    other.pid_ = -1;
  }
  return *this;
}

Result<Exit> Child::wait(milliseconds timeout) {
  const pid_t pid = pid_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    siginfo_t info{};
    // WNOWAIT keeps the child a zombie, so its pid (= its group id) cannot be reused before the
    // stray-member kill below.
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 &&
        errno != EINTR)
      return system_error("wait for " + what_);  // the destructor still kills and reaps
    const bool exited = info.si_pid == pid;
    const bool late = !exited && std::chrono::steady_clock::now() >= deadline;
    if (exited || late) {
      pid_ = -1;
      ::kill(-pid, SIGKILL);
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (late)
        return Error{what_ + " (pid " + std::to_string(pid) + ") did not finish within " +
                     std::to_string(timeout.count()) + " ms; killed"};
      return Exit{pid, status};
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(20));
  }
}

Result<Exit> run(const Command& command) {
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  return child->wait(command.timeout);
}

Result<ChildRun> run_in_child(const std::function<int(int report_fd)>& body,
                              milliseconds timeout, const std::string& what) {
  int report_pipe[2];
  if (::pipe2(report_pipe, O_CLOEXEC) != 0) return system_error("pipe");
  UniqueFd read_end(report_pipe[0]);
  UniqueFd write_end(report_pipe[1]);

  const pid_t pid = ::fork();
  if (pid < 0) return system_error("fork for " + what);
  if (pid == 0) {
    reset_signals_in_child();
    ::setsid();
    read_end.reset();
    ::_exit(body(write_end.get()));
  }
  write_end.reset();
  Result<Exit> exit = Child(pid, what).wait(timeout);
  if (!exit) return exit.error();

  // The writer is gone, so this read cannot block for long; descendants that inherited the
  // descriptor were killed with the group.
  ChildRun out{*exit, {}};
  if (::fcntl(read_end.get(), F_SETFL, O_NONBLOCK) != 0) return system_error("fcntl");
  char buf[4096];
  ssize_t n;
  while ((n = ::read(read_end.get(), buf, sizeof buf)) > 0) out.report.append(buf, static_cast<size_t>(n));
  while (!out.report.empty() && out.report.back() == '\n') out.report.pop_back();
  return out;
}

Status check_exit(const Result<Exit>& exit, const std::string& what) {
  if (!exit) return exit.error();
  if (!exit->succeeded())
    return Error{what + " (pid " + std::to_string(exit->pid) + ") ended with " + exit->describe()};
  return {};
}

int report_failure(int report_fd, const Error& error) {
  [[maybe_unused]] Status ignored = write_all(report_fd, error.to_string(), "report");
  return 1;
}

Status check_child(const Result<ChildRun>& run, const std::string& what) {
  if (!run) return run.error();
  if (run->exit.succeeded()) return {};
  if (!run->report.empty()) return Error{run->report};
  return Error{what + " (pid " + std::to_string(run->exit.pid) + ") ended with " + run->exit.describe()};
}

Result<std::string> find_program(std::initializer_list<const char*> candidates) {
  std::string tried;
  for (const char* path : candidates) {
    if (::access(path, X_OK) == 0) return std::string(path);
    tried += tried.empty() ? path : std::string(", ") + path;
  }
  return Error{"no executable found (tried " + tried + ")"};
}

}  // namespace vigil::scenarios
