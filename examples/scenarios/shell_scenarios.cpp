// Shell behaviours: a shell on a terminal, a shell spawned by a "web server", a shell started
// through a symlink, shell configuration changes and shell history tampering.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "fake_container.h"
#include "files.h"
#include "process.h"
#include "scenario.h"

namespace vigil::scenarios {
namespace {

Result<std::string> bash_path() { return find_program({"/bin/bash", "/usr/bin/bash"}); }

// script(1) gives the shell a fresh pseudo-terminal; the shell prints its pid and its tty. All of
// it runs in a fake container (docker-named cgroups), removed afterwards.
Status terminal_shell(Report& report) {
  Result<std::string> script = find_program({"/usr/bin/script", "/bin/script"});
  if (!script) return Error{"script(1) is missing (util-linux): " + script.error().message};
  Result<std::string> bash = bash_path();
  if (!bash) return bash.error();
  Result<TempDir> home = TempDir::create("vigil-scenario-home");
  if (!home) return home.error();
  Result<FakeContainer> container = FakeContainer::create();
  if (!container) return container.error();

  const Command command{.program = *script,
                        .argv = {"script", "-q", "-e", "-c", "bash -i -c 'echo $$; tty'", "/dev/null"},
                        .env = {"HOME=" + home->path(), "SHELL=" + *bash},
                        .stdout_path = *home / "out",
                        .container = &*container};
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(command.timeout), "script"));

  Result<std::string> out = read_file(*home / "out");
  if (!out) return out.error();
  const size_t tty = out->find("/dev/pts/");
  if (tty == std::string::npos) return Error{"the shell under script(1) saw no terminal; it printed: " + *out};
  const std::string tty_name = out->substr(tty, out->find_first_of("\r\n", tty) - tty);
  pid_t shell_pid = 0;
  if (std::sscanf(out->c_str(), "%d", &shell_pid) == 1) report.pid(shell_pid);
  SCENARIO_TRY(container->remove());
  report.did("in fake container " + container->short_id() + " ran an interactive bash with a terminal (" +
             tty_name + ") under script(1)");
  return {};
}

// The parent renames itself "nginx" (PR_SET_NAME), then forks a worker that inherits that name
// from birth, and the worker runs `sh -c id`: a shell whose parent and grandparent are "nginx".
Status web_server_spawns_shell(Report& report) {
  Result<std::string> sh = find_program({"/bin/sh", "/usr/bin/sh"});
  if (!sh) return sh.error();
  const Command shell{.program = *sh, .argv = {"sh", "-c", "id"}, .timeout = milliseconds(4000)};

  const auto worker_body = [&shell](int report_fd) -> int {
    Result<Child> child = spawn(shell);
    if (!child) return report_failure(report_fd, child.error());
    const std::string pid = std::to_string(child->pid());
    if (Status s = check_exit(child->wait(shell.timeout), "sh -c id"); !s)
      return report_failure(report_fd, s.error());
    return write_all(report_fd, pid, "report") ? 0 : 1;
  };
  const auto server_body = [&worker_body](int report_fd) -> int {
    if (::prctl(PR_SET_NAME, "nginx", 0, 0, 0) != 0)
      return report_failure(report_fd, system_error("prctl(PR_SET_NAME, nginx)"));
    Result<ChildRun> worker = run_in_child(worker_body, milliseconds(5000), "nginx worker");
    if (Status s = check_child(worker, "nginx worker"); !s) return report_failure(report_fd, s.error());
    return write_all(report_fd, std::to_string(worker->exit.pid) + " " + worker->report, "report") ? 0 : 1;
  };
  Result<ChildRun> server = run_in_child(server_body, milliseconds(6000), "nginx-named parent");
  SCENARIO_TRY(check_child(server, "nginx-named parent"));

  report.pid(server->exit.pid);
  pid_t worker_pid = 0, shell_pid = 0;
  if (std::sscanf(server->report.c_str(), "%d %d", &worker_pid, &shell_pid) == 2) {
    report.pid(worker_pid);
    report.pid(shell_pid);
  }
  report.did("a process named nginx forked a worker named nginx that ran `sh -c id`");
  return {};
}

// A symlink with an innocent name pointing at bash, run as an interactive shell.
Status shell_via_symlink(Report& report) {
  Result<std::string> bash = bash_path();
  if (!bash) return bash.error();
  Result<TempDir> dir = TempDir::create("vigil-scenario");
  if (!dir) return dir.error();
  const std::string link = *dir / "x";
  if (::symlink(bash->c_str(), link.c_str()) != 0) return system_error("symlink " + link);

  const Command command{.program = link, .argv = {link, "-i", "-c", "true"}, .env = {"HOME=" + dir->path()}};
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(command.timeout), link));
  report.did("ran `" + link + " -i -c true` where " + link + " -> " + *bash);
  return {};
}

// Appends a comment line to /root/.bashrc, then truncates it back to its original size and
// restores its timestamps: the bytes end up identical.
Status modify_shell_config(Report& report) {
  const std::string path = "/root/.bashrc";
  const std::string marker = "\n# vigil-scenarios modify-shell-config " + std::to_string(::getpid()) + "\n";
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) {
    if (errno != ENOENT) return system_error("stat " + path);
    CreatedFile created(path);
    SCENARIO_TRY(write_new_file(path, marker, 0644));
    SCENARIO_TRY(created.remove());
    report.did("created " + path + " (absent before) with one comment line and removed it");
    return {};
  }
  Result<std::string> original = read_file(path);
  if (!original) return original.error();

  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd.valid()) return system_error("open " + path + " for appending");
  const Status appended = write_all(fd.get(), marker, path);
  // Restore whatever happened to the append.
  if (::ftruncate(fd.get(), static_cast<off_t>(original->size())) != 0)
    return system_error("truncate " + path + " back to " + std::to_string(original->size()) + " bytes");
  const timespec times[2] = {before.st_atim, before.st_mtim};
  if (::futimens(fd.get(), times) != 0) return system_error("restore the timestamps of " + path);
  fd.reset();
  SCENARIO_TRY(appended);

  Result<std::string> after = read_file(path);
  if (!after) return after.error();
  if (*after != *original) return Error{path + " differs from its original after the restore"};
  report.pid(::getpid());
  report.did("appended a comment line to " + path + " and restored its original " +
             std::to_string(original->size()) + " bytes and timestamps");
  return {};
}

// In a temporary HOME: truncate ~/.bash_history, run shells that disable history, make the
// history read-only, delete it.
Status tamper_shell_history(Report& report) {
  Result<std::string> bash = bash_path();
  if (!bash) return bash.error();
  Result<TempDir> home = TempDir::create("vigil-scenario-home");
  if (!home) return home.error();
  const std::string history = *home / ".bash_history";
  SCENARIO_TRY(write_new_file(history, "ls\ncat /etc/shadow\n", 0600));

  UniqueFd fd(::open(history.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd.valid()) return system_error("truncate " + history);
  fd.reset();
  report.did("truncated " + history);

  const Command unset{.program = *bash,
                      .argv = {"bash", "-c", "unset HISTFILE; true"},
                      .env = {"HOME=" + home->path(), "HISTFILE=" + history}};
  Result<Child> child = spawn(unset);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(unset.timeout), "bash -c 'unset HISTFILE'"));
  report.did("ran bash -c 'unset HISTFILE'");

  const Command devnull{.program = *bash,
                        .argv = {"bash", "-i", "-c", "true"},
                        .env = {"HOME=" + home->path(), "HISTFILE=/dev/null"}};
  child = spawn(devnull);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(devnull.timeout), "HISTFILE=/dev/null bash -i"));
  report.did("ran HISTFILE=/dev/null bash -i -c true");

  if (::chmod(history.c_str(), 0400) != 0) return system_error("chmod u-w " + history);
  report.did("chmod u-w " + history);
  if (::unlink(history.c_str()) != 0) return system_error("delete " + history);
  report.did("deleted it");
  report.pid(::getpid());  // the truncation, chmod and unlink were this program's
  return {};
}

constexpr Scenario kShellScenarios[] = {
    {"terminal-shell", "run an interactive bash on a pseudo-terminal: script -qc 'bash -i -c ...' /dev/null",
     "Interactive shell in container", "runs in a fake container: cgroups named docker/<64 hex>, removed after",
     terminal_shell},
    {"web-server-spawns-shell",
     "a process renamed to nginx (prctl PR_SET_NAME) forks a worker, also nginx, that runs sh -c id",
     "Shell spawned by a service", "", web_server_spawns_shell},
    {"shell-via-symlink", "run bash through a symlink with another name: TMP/x -i -c true",
     "Shell run under a disguised name",
     "evasion: proc.name is x; the resolved executable path says bash", shell_via_symlink},
    {"modify-shell-config", "append a comment to /root/.bashrc, then restore its exact bytes and timestamps",
     "Shell configuration file modified", "", modify_shell_config},
    {"tamper-shell-history",
     "in a temporary HOME: truncate .bash_history, unset HISTFILE, HISTFILE=/dev/null bash -i, "
     "chmod u-w and delete .bash_history",
     "Shell history tampered with; Shell history disabled", "", tamper_shell_history},
};

}  // namespace

std::span<const Scenario> shell_scenarios() { return kShellScenarios; }

}  // namespace vigil::scenarios
