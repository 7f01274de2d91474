// vigil-scenarios end to end, as root: every scenario performs its behaviour and leaves the
// system as it found it: the same /etc/shadow owner and mode, a byte-identical /root/.bashrc, no
// file left behind, no fake-container cgroup left behind, no process left running.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "scenarios_lock.h"
#include "test_paths.h"
#include "test_text.h"

using vigil::test::slurp;

using vigil::test::binary_path;
using vigil::test::temp_dir;

namespace {

// Every scenario, in `list` order. A scenario added to the program must be added here.
const std::vector<std::string> kScenarioNames = {
    "terminal-shell",          "web-server-spawns-shell",
    "shell-via-symlink",       "modify-shell-config",
    "tamper-shell-history",    "read-sensitive-file",
    "read-sensitive-file-via-path-tricks", "link-sensitive-file",
    "chmod-chown-sensitive-file", "write-below-system-dirs",
    "create-file-below-dev",   "modify-system-binary",
    "clear-log",               "renamed-binary",
    "system-binary-network",   "reverse-shell",
    "netcat-exec",             "ssh-tool",
    "package-manager",         "change-namespace",
    "fileless-exec-memfd",     "exec-from-dev-shm",
    "ptrace-attach",           "privileged-container",
    "sensitive-mount-container",
};
const std::vector<std::string> kContainerScenarios = {"terminal-shell", "package-manager", "privileged-container",
                                                      "sensitive-mount-container"};

std::string scenarios_binary() { return binary_path("examples/scenarios/vigil-scenarios"); }

size_t count_lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

std::vector<std::string> directory_entries(const std::string& dir, const std::string& prefix = "") {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (name.rfind(prefix, 0) == 0) out.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Directories below /sys/fs/cgroup named like a container's: a 64-hex id, docker-<id>.scope, or
// a "docker" parent. Fake containers must leave none behind.
std::vector<std::string> container_cgroups() {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it("/sys/fs/cgroup", fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 6) it.disable_recursion_pending();
    if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
    const std::string name = it->path().filename().string();
    const bool hex64 = name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (hex64 || name == "docker" || name.rfind("docker-", 0) == 0) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string file_facts(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return path + ": absent";
  std::ostringstream s;
  s << path << ": mode " << std::oct << (st.st_mode & 07777) << std::dec << " owner " << st.st_uid << ":"
    << st.st_gid << " links " << st.st_nlink << " size " << st.st_size << " mtime " << st.st_mtim.tv_sec << "."
    << st.st_mtim.tv_nsec;
  return s.str();
}

// What the scenarios may touch but must leave as they found it.
struct SystemState {
  std::string shadow;
  std::string system_binary;
  std::string bashrc_facts;
  std::string bashrc_bytes;
  std::vector<std::string> scenario_entries;  // "vigil-scenario*" where scenarios create files
  std::vector<std::string> cgroups;           // container-named cgroup directories

  static SystemState capture() {
    SystemState s;
    s.shadow = file_facts("/etc/shadow");
    s.system_binary = file_facts("/usr/bin/passwd");
    s.bashrc_facts = file_facts("/root/.bashrc");
    s.bashrc_bytes = slurp("/root/.bashrc");
    for (const char* dir : {"/etc", "/bin", "/usr/bin", "/sbin", "/usr/sbin", "/root", "/dev", "/dev/shm",
                            "/var/log", "/var/tmp", "/tmp"})
      for (const std::string& e : directory_entries(dir, "vigil-scenario")) s.scenario_entries.push_back(e);
    for (const std::string& e : directory_entries("/usr/lib", "vigil-scenario")) s.scenario_entries.push_back(e);
    s.cgroups = container_cgroups();
    return s;
  }
};

std::vector<pid_t> live_children_of_this_process() {
  std::vector<pid_t> out;
  for (const std::string& entry : directory_entries("/proc")) {
    const std::string stat_text = slurp(entry + "/stat");
    const size_t paren = stat_text.rfind(')');
    if (paren == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat_text.c_str() + paren + 1, " %c %d", &state, &ppid) == 2 && ppid == getpid())
      out.push_back(static_cast<pid_t>(std::stoi(entry.substr(6))));
  }
  return out;
}

struct ScenariosRun {
  int exit_code = -1;              // -1: killed by a signal or by the test's deadline
  std::string out;
  std::string err;
  std::vector<pid_t> left_behind;  // descendants still running, or unreaped, after it exited
};

// Runs `argv` (vigil-scenarios, possibly behind a wrapper) with TMPDIR=`tmpdir` while the caller
// holds the lock. This process is a child subreaper, so whatever vigil-scenarios leaves behind is
// reparented here, reported and killed.
ScenariosRun run_program(std::vector<std::string> argv_strings, const std::string& tmpdir) {
  REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
  const std::string io = temp_dir();
  const std::string out_path = io + "/out", err_path = io + "/err";
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setenv("TMPDIR", tmpdir.c_str(), 1);
    setenv("VIGIL_SCENARIOS_LOCK_HELD", "1", 1);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null = open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || null < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || dup2(null, 0) < 0) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }

  ScenariosRun run;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int status = 0;
  for (;;) {
    const pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(out_path);
  run.err = slurp(err_path);

  // Anything still our child now was vigil-scenarios' descendant.
  for (;;) {
    const pid_t got = waitpid(-1, &status, WNOHANG);
    if (got > 0) {
      run.left_behind.push_back(got);
      continue;
    }
    if (got < 0) break;  // ECHILD: none left
    for (pid_t live : live_children_of_this_process()) {
      run.left_behind.push_back(live);
      kill(live, SIGKILL);
    }
    waitpid(-1, &status, 0);
  }
  return run;
}

ScenariosRun run_scenarios(const std::vector<std::string>& args, const std::string& tmpdir) {
  std::vector<std::string> argv = {scenarios_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(std::move(argv), tmpdir);
}

// Runs one scenario under the lock and checks its outcome and that it left no trace.
ScenariosRun run_and_check_no_trace(const std::vector<std::string>& args) {
  const vigil::test::ScenariosLock lock(std::chrono::seconds(300));
  const std::string tmpdir = temp_dir();
  const SystemState before = SystemState::capture();
  ScenariosRun run = run_scenarios(args, tmpdir);
  const SystemState after = SystemState::capture();
  INFO("stdout:\n" << run.out << "stderr:\n" << run.err);
  CHECK(run.left_behind.empty());
  CHECK(after.shadow == before.shadow);
  CHECK(after.system_binary == before.system_binary);
  CHECK(after.bashrc_facts == before.bashrc_facts);
  CHECK(after.bashrc_bytes == before.bashrc_bytes);
  CHECK(after.scenario_entries == before.scenario_entries);
  CHECK(after.cgroups == before.cgroups);
  CHECK(directory_entries(tmpdir).empty());
  return run;
}

// A performed scenario: exit 0, exactly one stdout line "NAME: ..." that mentions `evidence`
// and at least one pid, nothing on stderr.
void check_performed(const std::string& name, const std::string& evidence) {
  const ScenariosRun run = run_and_check_no_trace({"run", name});
  INFO("stdout:\n" << run.out << "stderr:\n" << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.rfind(name + ": ", 0) == 0);
  CHECK(count_lines(run.out) == 1);
  CHECK(run.out.find(evidence) != std::string::npos);
  CHECK(run.out.find("(pid") != std::string::npos);
  CHECK(run.err.empty());
}

}  // namespace

TEST_CASE("vigil-scenarios list names every scenario once, in order") {
  const ScenariosRun run = run_scenarios({"list", "--names"}, temp_dir());
  CHECK(run.exit_code == 0);
  std::string expected;
  for (const std::string& name : kScenarioNames) expected += name + "\n";
  CHECK(run.out == expected);
}

TEST_CASE("vigil-scenarios list and --help document each scenario with the rule it should trigger") {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"list"}, {"--help"}}) {
    const ScenariosRun run = run_scenarios(args, temp_dir());
    INFO(args[0] << ":\n" << run.out);
    CHECK(run.exit_code == 0);
    for (const std::string& name : kScenarioNames) CHECK(run.out.find("  " + name + "\n") != std::string::npos);
    size_t rules = 0;
    for (size_t at = run.out.find("rules: "); at != std::string::npos; at = run.out.find("rules: ", at + 1)) ++rules;
    CHECK(rules == kScenarioNames.size());
  }
  const ScenariosRun help = run_scenarios({"--help"}, temp_dir());
  for (const char* text : {"run NAME...", "all", "benign", "127.0.0.1", "VIGIL_SCENARIOS_LOCK_HELD",
                           "Fileless execution from memory", "Clear log activities"})
    CHECK(help.out.find(text) != std::string::npos);
}

TEST_CASE("every scenario names at least one rule, and every rule it names exists in vigil's default rules") {
  const std::string rules_text = slurp(vigil::test::source_path("rules/vigil_rules.yaml"));
  REQUIRE(rules_text.find("- rule: Clear log activities\n") != std::string::npos);

  const ScenariosRun run = run_scenarios({"list", "--tsv"}, temp_dir());
  CHECK(run.exit_code == 0);
  CHECK(count_lines(run.out) == kScenarioNames.size());
  std::istringstream lines(run.out);
  size_t named = 0;
  for (std::string line; std::getline(lines, line);) {
    const size_t tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
    REQUIRE(tab2 != std::string::npos);
    const std::string rules = line.substr(tab1 + 1, tab2 - tab1 - 1);
    INFO(line);
    CHECK(rules != "-");
    for (size_t start = 0; start <= rules.size();) {
      const size_t end = std::min(rules.find("; ", start), rules.size());
      const std::string rule = rules.substr(start, end - start);
      INFO(line.substr(0, tab1) << " names rule '" << rule << "'");
      CHECK(rules_text.find("- rule: " + rule + "\n") != std::string::npos);
      ++named;
      start = end + 2;
    }
  }
  CHECK(named >= kScenarioNames.size());
}

TEST_CASE("vigil-scenarios rejects bad command lines with exit code 64 and says why") {
  ScenariosRun run = run_scenarios({}, temp_dir());
  CHECK(run.exit_code == 64);
  CHECK(run.err.find("missing command") != std::string::npos);
  run = run_scenarios({"run", "no-such-scenario"}, temp_dir());
  CHECK(run.exit_code == 64);
  CHECK(run.err.find("unknown scenario 'no-such-scenario'") != std::string::npos);
  run = run_scenarios({"run"}, temp_dir());
  CHECK(run.exit_code == 64);
  run = run_scenarios({"frobnicate"}, temp_dir());
  CHECK(run.exit_code == 64);
  CHECK(run.err.find("unknown command 'frobnicate'") != std::string::npos);
}

TEST_CASE("a scenario that cannot be performed exits 1 and says why, unlike one that is unavailable") {
  // Without root /etc/shadow cannot be opened: "not performed", which a detection test must be
  // able to tell from "performed but not detected".
  const vigil::test::ScenariosLock lock(std::chrono::seconds(300));
  const ScenariosRun run = run_program({"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                        scenarios_binary(), "run", "read-sensitive-file"},
                                       temp_dir());
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.empty());
  CHECK(run.err.find("read-sensitive-file: could not perform: open /etc/shadow for reading: Permission denied") !=
        std::string::npos);
  CHECK(run.left_behind.empty());
}

TEST_CASE("the container scenarios run in a fake container and remove its cgroups afterwards") {
  for (const std::string& name : kContainerScenarios) {
    const ScenariosRun run = run_and_check_no_trace({"run", name});
    INFO(run.out << run.err);
    CHECK(run.exit_code == 0);
    CHECK(run.out.find(name + ": ") == 0);
    CHECK(run.out.find("fake container ") != std::string::npos);
    CHECK(run.err.empty());
  }
}

TEST_CASE("running several scenarios prints one line each and exits with the worst verdict") {
  const ScenariosRun run = run_and_check_no_trace({"run", "clear-log", "privileged-container", "package-manager"});
  CHECK(run.exit_code == 0);
  CHECK(count_lines(run.out) == 3);
  CHECK(run.out.find("clear-log: ") != std::string::npos);
  CHECK(run.out.find("privileged-container: ") != std::string::npos);
  CHECK(run.out.find("package-manager: ") != std::string::npos);
  CHECK(run.err.empty());

  // Unprivileged, reading /etc/shadow fails (1) while running a shell through a symlink works.
  const vigil::test::ScenariosLock lock(std::chrono::seconds(300));
  // The test's own temporary directories are private to root; nobody gets /tmp (the scenario
  // removes what it creates there).
  const ScenariosRun mixed = run_program({"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                          scenarios_binary(), "run", "shell-via-symlink", "read-sensitive-file"},
                                         "/tmp");
  INFO(mixed.out << mixed.err);
  CHECK(mixed.exit_code == 1);
  CHECK(mixed.out.find("shell-via-symlink: ") == 0);
  CHECK(count_lines(mixed.out) == 1);
  CHECK(mixed.err.find("read-sensitive-file: could not perform") != std::string::npos);
}

TEST_CASE("vigil-scenarios all performs every available scenario and leaves no trace") {
  const ScenariosRun run = run_and_check_no_trace({"all"});
  CHECK(run.exit_code == 0);
  CHECK(count_lines(run.out) + count_lines(run.err) == kScenarioNames.size());
  CHECK(count_lines(run.err) <= 1);  // exec-from-dev-shm where /dev/shm is noexec
  for (const std::string& name : kScenarioNames)
    CHECK((run.out.find(name + ": ") != std::string::npos || run.err.find(name + ": not available") != std::string::npos));
  CHECK(run.err.find("could not perform") == std::string::npos);
}

TEST_CASE("the benign workload builds and tests a C project and lists packages, leaving no trace") {
  const ScenariosRun run = run_and_check_no_trace({"benign"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("benign: built a two-file C program with make; ran its test suite (1 test passed); listed ") == 0);
  CHECK(run.out.find("installed packages with dpkg-query") != std::string::npos);
}

TEST_CASE("terminal-shell runs an interactive bash on a pseudo-terminal") {
  check_performed("terminal-shell", "with a terminal (/dev/pts/");
}

TEST_CASE("web-server-spawns-shell runs sh under a process named nginx") {
  check_performed("web-server-spawns-shell", "named nginx forked a worker named nginx that ran `sh -c id`");
}

TEST_CASE("shell-via-symlink runs bash through a differently named symlink") {
  check_performed("shell-via-symlink", "-> /bin/bash");
}

TEST_CASE("modify-shell-config appends to /root/.bashrc and restores it byte for byte") {
  check_performed("modify-shell-config", "appended a comment line to /root/.bashrc and restored");
}

TEST_CASE("tamper-shell-history truncates, disables, protects and deletes a temporary history") {
  check_performed("tamper-shell-history", "truncated");
}

TEST_CASE("read-sensitive-file reads /etc/shadow and a private key") {
  check_performed("read-sensitive-file", "bytes of /etc/shadow; created and read a fake private key");
}

TEST_CASE("read-sensitive-file-via-path-tricks reads /etc/shadow through symlinks and dot-dot paths") {
  check_performed("read-sensitive-file-via-path-tricks", "/../../etc/shadow");
}

TEST_CASE("link-sensitive-file creates a symlink and a hard link to /etc/shadow and removes them") {
  // /tmp shares a file system with /etc on the CI host, so both halves happen.
  check_performed("link-sensitive-file", "created and removed hard link");
}

TEST_CASE("chmod-chown-sensitive-file changes nothing about /etc/shadow") {
  check_performed("chmod-chown-sensitive-file", "chown /etc/shadow");
}

TEST_CASE("write-below-system-dirs writes and removes files in /etc, binary dirs and /root") {
  check_performed("write-below-system-dirs", "/etc/vigil-scenario-");
}

TEST_CASE("create-file-below-dev creates and removes a regular file in /dev") {
  check_performed("create-file-below-dev", "/dev/vigil-scenario-");
}

TEST_CASE("modify-system-binary opens passwd for writing without changing it") {
  check_performed("modify-system-binary", "O_WRONLY|O_APPEND and wrote 0 bytes");
}

TEST_CASE("clear-log truncates and removes its own log in /var/log") {
  check_performed("clear-log", "truncated it (O_TRUNC)");
}

TEST_CASE("renamed-binary reads /etc/shadow as systemd-logind") {
  check_performed("renamed-binary", "systemd-logind (a copy of");
}

TEST_CASE("system-binary-network connects bash to the own loopback listener") {
  check_performed("system-binary-network", "bash connected to 127.0.0.1:");
}

TEST_CASE("reverse-shell serves sh over a python socket to the own listener") {
  check_performed("reverse-shell", "the listener read its output");
}

TEST_CASE("netcat-exec tries nc -e and serves a shell through a fifo relay") {
  check_performed("netcat-exec", "served a shell over nc through a fifo");
}

TEST_CASE("ssh-tool runs ssh and connects it to a non-standard loopback port") {
  check_performed("ssh-tool", "sent its banner (SSH-2.0-");
}

TEST_CASE("package-manager runs dpkg") { check_performed("package-manager", "ran dpkg -l"); }

TEST_CASE("change-namespace runs unshare and setns") {
  check_performed("change-namespace", "setns(CLONE_NEWNET)");
}

TEST_CASE("fileless-exec-memfd runs a program from a memfd") {
  check_performed("fileless-exec-memfd", "ran it with fexecve");
}

TEST_CASE("exec-from-dev-shm runs and removes a program in /dev/shm, or says /dev/shm is noexec") {
  struct statvfs shm {};
  REQUIRE(statvfs("/dev/shm", &shm) == 0);
  if ((shm.f_flag & ST_NOEXEC) == 0) {
    check_performed("exec-from-dev-shm", "/dev/shm/vigil-scenario-");
    return;
  }
  const ScenariosRun run = run_and_check_no_trace({"run", "exec-from-dev-shm"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("exec-from-dev-shm: not available on this host: /dev/shm is mounted noexec") != std::string::npos);
}

TEST_CASE("ptrace-attach attaches to, pokes and detaches from its own child") {
  check_performed("ptrace-attach", "PTRACE_POKEDATA");
}
