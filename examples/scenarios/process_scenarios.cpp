// Process behaviours: a package manager, namespace changes, fileless and /dev/shm execution,
// ptrace injection; a package manager, a privileged container and a sensitive bind mount inside a
// fake container (docker-named cgroups, see fake_container.h).
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "fake_container.h"
#include "files.h"
#include "process.h"
#include "scenario.h"

extern char** environ;

namespace vigil::scenarios {
namespace {

// Runs `command` in a new fake container, waits for it and removes the container again.
Status run_in_fake_container(Command command, const std::string& what, Report& report, std::string& container_id) {
  Result<FakeContainer> container = FakeContainer::create();
  if (!container) return container.error();
  container_id = container->short_id();
  command.container = &*container;
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(command.timeout), what));
  return container->remove();
}

Status package_manager(Report& report) {
  Result<std::string> dpkg = find_program({"/usr/bin/dpkg", "/bin/dpkg"});
  if (!dpkg) return dpkg.error();
  std::string id;
  SCENARIO_TRY(run_in_fake_container({.program = *dpkg, .argv = {"dpkg", "-l"}}, "dpkg -l", report, id));
  report.did("ran dpkg -l in fake container " + id);
  return {};
}

Status change_namespace(Report& report) {
  Result<std::string> unshare = find_program({"/usr/bin/unshare", "/bin/unshare"});
  if (!unshare) return unshare.error();
  const Command command{.program = *unshare, .argv = {"unshare", "-n", "true"}};
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(command.timeout), "unshare -n true"));
  report.did("ran unshare -n true");

  // setns into the network namespace the child is already in: a real setns that changes nothing.
  const auto body = [](int report_fd) -> int {
    UniqueFd ns(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!ns.valid()) return report_failure(report_fd, system_error("open /proc/self/ns/net"));
    if (::setns(ns.get(), CLONE_NEWNET) != 0) return report_failure(report_fd, system_error("setns"));
    return 0;
  };
  Result<ChildRun> run = run_in_child(body, milliseconds(5000), "setns child");
  SCENARIO_TRY(check_child(run, "setns child"));
  report.pid(run->exit.pid);
  report.did("setns(CLONE_NEWNET) into its own network namespace");
  return {};
}

Result<std::string> true_binary() {
  Result<std::string> path = find_program({"/bin/true", "/usr/bin/true"});
  if (!path) return path.error();
  return read_file(*path);
}

Status fileless_exec_memfd(Report& report) {
  Result<std::string> image = true_binary();
  if (!image) return image.error();
  UniqueFd memfd(::memfd_create("vigil-scenario", MFD_CLOEXEC));
  if (!memfd.valid()) return system_error("memfd_create");
  SCENARIO_TRY(write_all(memfd.get(), *image, "memfd"));

  const int fd = memfd.get();
  const auto body = [fd](int report_fd) -> int {
    char arg0[] = "vigil-scenario-memfd";
    char* argv[] = {arg0, nullptr};
    ::fexecve(fd, argv, environ);
    return report_failure(report_fd, system_error("fexecve of the memfd"));
  };
  Result<ChildRun> run = run_in_child(body, milliseconds(5000), "fexecve child");
  SCENARIO_TRY(check_child(run, "memfd program"));
  report.pid(run->exit.pid);
  report.did("copied /bin/true into a memfd and ran it with fexecve");
  return {};
}

Status exec_from_dev_shm(Report& report) {
  // Container runtimes commonly mount /dev/shm noexec; then nothing can run from there at all.
  struct statvfs shm {};
  if (::statvfs("/dev/shm", &shm) != 0) return system_error("statvfs /dev/shm");
  if (shm.f_flag & ST_NOEXEC) {
    report.unavailable("/dev/shm is mounted noexec");
    return {};
  }
  Result<std::string> image = true_binary();
  if (!image) return image.error();
  Result<CreatedFile> file = create_unique_file("/dev/shm/vigil-scenario-XXXXXX", *image, 0755);
  if (!file) return file.error();
  const Command command{.program = file->path(), .argv = {file->path()}};
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(command.timeout), file->path()));
  const std::string path = file->path();
  SCENARIO_TRY(file->remove());
  report.did("copied /bin/true to " + path + ", ran it and removed it");
  return {};
}

// Attach to an own child, poke one word of its memory (a flag it is waiting for), detach.
Status ptrace_attach(Report& report) {
  // Same address in the child after fork: the poke target.
  volatile long flag = 0;
  const auto body = [&flag](int) -> int {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (flag == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return flag == 0x5ca1ab1e ? 0 : 3;
  };
  int report_pipe[2];
  if (::pipe2(report_pipe, O_CLOEXEC) != 0) return system_error("pipe");
  UniqueFd read_end(report_pipe[0]);
  UniqueFd write_end(report_pipe[1]);
  const pid_t pid = ::fork();
  if (pid < 0) return system_error("fork");
  if (pid == 0) {
    ::setsid();
    ::_exit(body(write_end.get()));
  }
  Child target(pid, "ptrace target");
  report.pid(::getpid());  // the tracer
  report.pid(pid);

  if (::ptrace(PTRACE_ATTACH, pid, nullptr, nullptr) != 0) return system_error("PTRACE_ATTACH");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int status = 0;
  for (;;) {
    const pid_t got = ::waitpid(pid, &status, WNOHANG | __WALL);
    if (got == pid) break;
    if (got < 0 && errno != EINTR) return system_error("wait for the traced child to stop");
    if (std::chrono::steady_clock::now() >= deadline) return Error{"the traced child did not stop"};
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!WIFSTOPPED(status)) return Error{"the traced child ended before it stopped"};
  void* address = const_cast<long*>(&flag);
  const long value = 0x5ca1ab1e;
  const bool poked = ::ptrace(PTRACE_POKEDATA, pid, address, reinterpret_cast<void*>(value)) == 0;
  const Error poke_error = system_error("PTRACE_POKEDATA");
  if (::ptrace(PTRACE_DETACH, pid, nullptr, nullptr) != 0) return system_error("PTRACE_DETACH");
  if (!poked) return poke_error;

  SCENARIO_TRY(check_exit(target.wait(milliseconds(6000)), "ptrace target"));
  report.did("PTRACE_ATTACH to an own sleeping child, PTRACE_POKEDATA of one word of its stack, PTRACE_DETACH");
  return {};
}

// What a container runtime does for `docker run --privileged`, minus the image: in the fake
// container, a new PID namespace whose pid 1 runs with every capability of root.
Status privileged_container(Report& report) {
  Result<std::string> unshare = find_program({"/usr/bin/unshare", "/bin/unshare"});
  if (!unshare) return unshare.error();
  Result<std::string> true_path = find_program({"/usr/bin/true", "/bin/true"});
  if (!true_path) return true_path.error();
  std::string id;
  SCENARIO_TRY(run_in_fake_container({.program = *unshare, .argv = {"unshare", "--pid", "--fork", *true_path}},
                                     "unshare --pid --fork true", report, id));
  report.did("in fake container " + id + ", ran " + *true_path +
             " as pid 1 of a new PID namespace with all capabilities (unshare --pid --fork)");
  return {};
}

// What `docker run -v /etc:/host-etc` does inside the container: in the fake container and a
// private mount namespace, bind-mount the host's /etc onto a temporary directory and look at it.
// The mount lives and dies with that namespace; the host's mounts never change.
Status sensitive_mount_container(Report& report) {
  Result<std::string> unshare = find_program({"/usr/bin/unshare", "/bin/unshare"});
  if (!unshare) return unshare.error();
  Result<std::string> mount = find_program({"/usr/bin/mount", "/bin/mount"});
  if (!mount) return mount.error();
  Result<std::string> sh = find_program({"/bin/sh", "/usr/bin/sh"});
  if (!sh) return sh.error();
  Result<TempDir> dir = TempDir::create("vigil-scenario");
  if (!dir) return dir.error();
  const std::string target = *dir / "host-etc";
  if (::mkdir(target.c_str(), 0700) != 0) return system_error("mkdir " + target);
  const std::string script = *mount + " --bind /etc " + target + " && test -e " + target + "/passwd";
  std::string id;
  SCENARIO_TRY(run_in_fake_container(
      {.program = *unshare, .argv = {"unshare", "--mount", "--propagation", "private", *sh, "-c", script}},
      "unshare --mount ... mount --bind /etc", report, id));
  report.did("in fake container " + id + " and a private mount namespace, bind-mounted /etc onto " + target +
             " (gone with the namespace)");
  return {};
}

constexpr Scenario kProcessScenarios[] = {
    {"package-manager", "run dpkg -l in a fake container", "Package manager launched in container",
     "runs in a fake container: cgroups named docker/<64 hex>, removed after", package_manager},
    {"change-namespace", "unshare -n true; setns into the own network namespace",
     "Namespace created with unshare; Namespace entered with setns", "", change_namespace},
    {"fileless-exec-memfd", "copy /bin/true into memfd_create and run it with fexecve",
     "Fileless execution from memory", "", fileless_exec_memfd},
    {"exec-from-dev-shm", "copy /bin/true to /dev/shm/vigil-scenario-XXXXXX, run it, remove it",
     "Program executed from /dev/shm", "not available (exit 2) where /dev/shm is mounted noexec", exec_from_dev_shm},
    {"ptrace-attach", "PTRACE_ATTACH an own child, PTRACE_POKEDATA a word of its stack, detach",
     "Process memory accessed with ptrace", "", ptrace_attach},
    {"privileged-container",
     "in a fake container: unshare --pid --fork true, so pid 1 of a new PID namespace runs with all capabilities",
     "Privileged container started", "runs in a fake container: cgroups named docker/<64 hex>, removed after",
     privileged_container},
    {"sensitive-mount-container",
     "in a fake container and a private mount namespace: mount --bind /etc TMP/host-etc",
     "Sensitive host path mounted in container",
     "runs in a fake container; the bind mount exists only in the private mount namespace", sensitive_mount_container},
};

}  // namespace

std::span<const Scenario> process_scenarios() { return kProcessScenarios; }

}  // namespace vigil::scenarios
