// Starting and reaping the programs a scenario runs, always with a deadline.
//
// Every child starts in its own session (so it has no controlling terminal and a timeout can kill
// its whole process group) with an empty signal mask. Nothing is left running: a child that
// outlives its deadline is killed with its group and reaped before the call returns. Programs run
// by absolute path from an argv vector; no shell is involved unless the argv names one.
// Not thread-safe (fork in a single-threaded program).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "vigil/common/result.h"

namespace vigil::scenarios {

class FakeContainer;

using std::chrono::milliseconds;

inline constexpr milliseconds kDefaultTimeout{10000};

struct Command {
  std::string program;            // absolute path passed to execve
  std::vector<std::string> argv;  // including argv[0]
  std::vector<std::string> env;   // "NAME=value" entries that replace or extend the environment
  std::string stdin_path = "/dev/null";
  std::string stdout_path = "/dev/null";  // created or truncated
  std::string stderr_path = "/dev/null";  // created or truncated; may equal stdout_path
  std::string cwd;                        // empty: inherit
  milliseconds timeout = kDefaultTimeout;
  const FakeContainer* container = nullptr;  // when set, the child enters it before exec
};

// How a reaped child ended.
struct Exit {
  pid_t pid = -1;
  int status = 0;  // raw wait status

  bool succeeded() const;          // exited with code 0
  std::string describe() const;    // "exit 0", "exit 2", "signal 9"
};

// A started child, leader of its own process group. Dropping it unreaped kills the group and
// reaps the child, so an early error return never leaves a process behind.
class Child {
 public:
  Child(pid_t pid, std::string what) : pid_(pid), what_(std::move(what)) {}
  Child(Child&& other) noexcept : pid_(other.pid_), what_(std::move(other.what_)) { other.pid_ = -1; }
  Child& operator=(Child&& other) noexcept;  // kills and reaps the child this one held
  Child(const Child&) = delete;
  ~Child() { kill_and_reap(); }

  pid_t pid() const { return pid_; }
  // Reaps the child. Past the deadline the group is killed, the child reaped, and an error
  // returned. Stray members of the group are killed either way.
  Result<Exit> wait(milliseconds timeout);

 private:
  void kill_and_reap();

  pid_t pid_;
  std::string what_;
};

// Starts `command`; the error says why exec failed, when it did.
Result<Child> spawn(const Command& command);

// spawn + Child::wait(command.timeout).
Result<Exit> run(const Command& command);

// What a forked body reported: its exit and the text it wrote to its report descriptor.
struct ChildRun {
  Exit exit;
  std::string report;
};

// Runs `body` in a forked child (own session) that exits with body's return value without
// running destructors or atexit handlers of the parent's state. `body` may write a short report
// (under 64 KiB) to the descriptor it is given.
Result<ChildRun> run_in_child(const std::function<int(int report_fd)>& body,
                              milliseconds timeout, const std::string& what);

// OK when `exit` holds exit code 0; otherwise an error naming `what` and how it ended.
Status check_exit(const Result<Exit>& exit, const std::string& what);

// Inside a run_in_child body: sends `error` as the report and returns the failing exit code.
int report_failure(int report_fd, const Error& error);

// OK when the body exited 0; otherwise its report (or how it ended) as the error.
Status check_child(const Result<ChildRun>& run, const std::string& what);

// Where a program lives: the first of `candidates` that is an executable file.
Result<std::string> find_program(std::initializer_list<const char*> candidates);

}  // namespace vigil::scenarios
