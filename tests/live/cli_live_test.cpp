// The vigil binary capturing live: alerts on what happens on this machine while it runs, clean
// stops on SIGTERM and -M, live recording that reads back. Runs as root (CI).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_paths.h"
#include "test_text.h"

using vigil::test::slurp;
using vigil::test::count;

extern char** environ;

namespace {

using namespace std::chrono_literals;

std::string vigil_bin() { return vigil::test::binary_path("examples/vigil"); }

// A vigil process in the background with stdout and stderr going to files.
struct Background {
  pid_t pid = -1;
  std::string out_path, err_path;
  int status = -1;

  Background(const std::vector<std::string>& args, const std::string& dir) {
    out_path = dir + "/stdout";
    err_path = dir + "/stderr";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> all = {vigil_bin()};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Background() {
    if (pid > 0 && status == -1) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  std::string out() const { return slurp(out_path); }
  std::string err() const { return slurp(err_path); }

  // Waits for the "live capture started" line; false when vigil exited or took too long.
  bool started() {
    for (int i = 0; i < 600; ++i) {
      if (err().find("live capture started") != std::string::npos) return true;
      if (waitpid(pid, &status, WNOHANG) == pid) return false;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  // Waits up to `limit` for the exit; returns the exit code, -1 on timeout or a signal death.
  int wait(std::chrono::seconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (status != -1 || waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }
};

// Opens `path` for reading from a child process (cat), as an intruder would.
void cat_file(const std::string& path) { REQUIRE(std::system(("cat " + path + " > /dev/null 2>&1").c_str()) != -1); }

std::string marker_rules(const std::string& dir, const std::string& marker) {
  const std::string path = dir + "/marker_rules.yaml";
  std::ofstream(path) << "- rule: Marker file opened\n"
                         "  desc: the test's marker file was opened\n"
                         "  condition: evt.type in (open, openat, openat2) and fd.name=" << marker << "\n"
                         "  output: marker opened (file=%fd.name process=%proc.name command=%proc.cmdline)\n"
                         "  priority: CRITICAL\n"
                         "  tags: [test]\n";
  return path;
}

}  // namespace

TEST_CASE("vigil live raises an alert for a file opened while it runs, then stops after -M seconds") {
  const std::string dir = vigil::test::temp_dir();
  const std::string marker = dir + "/marker.txt";
  std::ofstream(marker) << "x\n";
  Background v({"-r", marker_rules(dir, marker), "-M", "4", "--json"}, dir);
  REQUIRE(v.started());
  cat_file(marker);
  CHECK(v.wait(30s) == 0);
  const std::string out = v.out();
  INFO(v.err());
  CHECK(count(out, "\"rule\":\"Marker file opened\"") >= 1);
  CHECK(count(out, "\"priority\":\"Critical\"") >= 1);
  CHECK(out.find("\"proc.name\":\"cat\"") != std::string::npos);
  CHECK(v.err().find(" events, ") != std::string::npos);
  CHECK(v.err().find("Marker file opened: ") != std::string::npos);
}

TEST_CASE("vigil live with the default rules alerts on cat /etc/shadow") {
  const std::string dir = vigil::test::temp_dir();
  Background v({"-M", "4", "-o", "syslog_output.enabled=false"}, dir);
  REQUIRE(v.started());
  cat_file("/etc/shadow");
  CHECK(v.wait(30s) == 0);
  INFO(v.err());
  const std::string out = v.out();
  CHECK(out.find("Warning Sensitive file opened for reading by non-trusted program (file=/etc/shadow") !=
        std::string::npos);
  CHECK(out.find("process=cat") != std::string::npos);
}

TEST_CASE("vigil live with the default rules alerts on a ptrace attach and a socket dup'ed onto stdout") {
  const std::string dir = vigil::test::temp_dir();
  Background v({"-M", "4", "-o", "syslog_output.enabled=false"}, dir);
  REQUIRE(v.started());
  const pid_t tracee = fork();
  REQUIRE(tracee >= 0);
  if (tracee == 0) {
    pause();
    _exit(0);
  }
  CHECK(ptrace(PTRACE_ATTACH, tracee, nullptr, nullptr) == 0);
  waitpid(tracee, nullptr, 0);
  ptrace(PTRACE_DETACH, tracee, nullptr, nullptr);
  kill(tracee, SIGKILL);
  waitpid(tracee, nullptr, 0);
  // A reverse shell's first step: a network socket becomes the standard output.
  const pid_t shell = fork();
  REQUIRE(shell >= 0);
  if (shell == 0) {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    dup2(s, 1);
    _exit(0);
  }
  waitpid(shell, nullptr, 0);
  CHECK(v.wait(30s) == 0);
  INFO(v.err());
  const std::string out = v.out();
  INFO(out);
  CHECK(out.find("Warning Detected ptrace attach (request=PTRACE_ATTACH target_pid=" + std::to_string(tracee)) !=
        std::string::npos);
  CHECK(out.find("Notice Redirect stdout/stdin to network connection (fd=") != std::string::npos);
}

TEST_CASE("vigil live stops cleanly on SIGTERM and SIGINT and prints its statistics") {
  for (int sig : {SIGTERM, SIGINT}) {
    const std::string dir = vigil::test::temp_dir();
    Background v({"-r", marker_rules(dir, dir + "/never-opened")}, dir);
    REQUIRE(v.started());
    std::this_thread::sleep_for(500ms);
    REQUIRE(kill(v.pid, sig) == 0);
    CHECK(v.wait(15s) == 0);
    const std::string err = v.err();
    CHECK(err.find("live capture: ") != std::string::npos);
    CHECK(err.find(" drops, 0 alerts") != std::string::npos);
    CHECK(v.out().empty());
  }
}

TEST_CASE("vigil -w records a live capture that vigil -e replays with the same alerts") {
  const std::string dir = vigil::test::temp_dir();
  const std::string marker = dir + "/recorded-marker.txt";
  std::ofstream(marker) << "x\n";
  const std::string capture = dir + "/live.scap";
  {
    Background v({"-w", capture, "-M", "3"}, dir);
    REQUIRE(v.started());
    cat_file(marker);
    REQUIRE(v.wait(30s) == 0);
    CHECK(v.err().find("written to " + capture) != std::string::npos);
  }
  const std::string printed = dir + "/printed";
  REQUIRE(std::system((vigil_bin() + " -e " + capture + " -p '%proc.name %evt.type %fd.name' 'fd.name=" + marker +
                       "' > " + printed).c_str()) == 0);
  const std::string lines = slurp(printed);
  CHECK(lines.find("cat openat " + marker) != std::string::npos);
  const std::string alerts = dir + "/alerts";
  REQUIRE(std::system((vigil_bin() + " -e " + capture + " --json -r " + marker_rules(dir, marker) + " > " + alerts +
                       " 2>/dev/null").c_str()) == 0);
  CHECK(count(slurp(alerts), "\"rule\":\"Marker file opened\"") >= 1);
}

TEST_CASE("vigil --print works live with a filter") {
  const std::string dir = vigil::test::temp_dir();
  const std::string marker = dir + "/printed-marker.txt";
  std::ofstream(marker) << "x\n";
  Background v({"-M", "3", "-p", "%proc.name %evt.type %fd.name", "fd.name=" + marker}, dir);
  REQUIRE(v.started());
  cat_file(marker);
  CHECK(v.wait(30s) == 0);
  const std::string out = v.out();
  CHECK(out.find("cat openat " + marker) != std::string::npos);
  CHECK(count(out, "\n") == count(out, marker));
}

TEST_CASE("vigil live reopens its alert file on SIGUSR1 so a rotated log is followed") {
  const std::string dir = vigil::test::temp_dir();
  const std::string marker = dir + "/rotation-marker.txt";
  std::ofstream(marker) << "x\n";
  const std::string log = dir + "/alerts.log";
  Background v({"-r", marker_rules(dir, marker), "-M", "5", "-o", "stdout_output.enabled=false", "-o",
                "syslog_output.enabled=false", "-o", "file_output.enabled=true", "-o", "file_output.keep_alive=true",
                "-o", "file_output.filename=" + log},
               dir);
  REQUIRE(v.started());
  cat_file(marker);
  // Wait for the first alert to land before rotating.
  for (int i = 0; i < 100 && slurp(log).empty(); ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(std::rename(log.c_str(), (log + ".1").c_str()) == 0);
  REQUIRE(kill(v.pid, SIGUSR1) == 0);
  std::this_thread::sleep_for(300ms);
  cat_file(marker);
  CHECK(v.wait(30s) == 0);
  INFO(v.err());
  CHECK(count(slurp(log + ".1"), "marker opened") >= 1);
  CHECK(count(slurp(log), "marker opened") >= 1);
  CHECK(v.out().empty());
}

TEST_CASE("vigil -w --sysdig-compat records a live capture sysdig 0.29.3 reads") {
  const std::string dir = vigil::test::temp_dir();
  const std::string marker = dir + "/sysdig-marker.txt";
  std::ofstream(marker) << "x\n";
  const std::string capture = dir + "/live029.scap.gz";
  {
    Background v({"-w", capture, "--sysdig-compat", "-z", "-M", "3"}, dir);
    REQUIRE(v.started());
    cat_file(marker);
    REQUIRE(v.wait(30s) == 0);
    INFO(v.err());
  }
  const std::string printed = dir + "/sysdig.txt";
  REQUIRE(std::system(("sysdig -r " + capture + " -p '%proc.name %evt.dir %evt.type %fd.name' 'fd.name=" + marker +
                       "' > " + printed + " 2>&1").c_str()) == 0);
  const std::string lines = slurp(printed);
  INFO(lines);
  CHECK(lines.find("cat < openat " + marker) != std::string::npos);
}

TEST_CASE("vigil -w --sysdig-compat leaves out fsconfig, io_uring_enter and newer generic syscalls, counts them, and sysdig reads the rest") {
  const std::string dir = vigil::test::temp_dir();
  const std::string marker = dir + "/compat-marker.txt";
  std::ofstream(marker) << "x\n";
  const std::string capture = dir + "/compat-skips.scap";
  constexpr int kCalls = 5;
  {
    Background v({"-w", capture, "--sysdig-compat", "-M", "3"}, dir);
    REQUIRE(v.started());
    // All fail and still produce exit events: fsconfig and io_uring_enter have no sysdig 0.29.3
    // layout, rseq (a generic event) has a ppm_sc code past its table.
    for (int i = 0; i < kCalls; ++i) {
      CHECK(syscall(SYS_fsconfig, -1, 0, nullptr, nullptr, 0) == -1);
      CHECK(syscall(SYS_io_uring_enter, -1, 0, 0, 0, nullptr, 0) == -1);
      CHECK(syscall(SYS_rseq, nullptr, 0, 0, 0) == -1);
    }
    cat_file(marker);
    REQUIRE(v.wait(30s) == 0);
    const std::string err = v.err();
    INFO(err);
    const size_t at = err.find(" skipped (no sysdig 0.29.3 layout or syscall code)");
    REQUIRE(at != std::string::npos);
    const size_t start = err.rfind(", ", at);
    REQUIRE(start != std::string::npos);
    CHECK(std::stoull(err.substr(start + 2, at - start - 2)) >= 3 * kCalls);
  }
  const std::string printed = dir + "/compat-sysdig.txt";
  const std::string errors = dir + "/compat-sysdig.err";
  const int rc = std::system(("sysdig -r " + capture + " -p '%proc.name %evt.dir %evt.type %fd.name' > " + printed +
                              " 2> " + errors).c_str());
  INFO(slurp(errors));
  CHECK(rc == 0);
  CHECK(slurp(errors).empty());
  const std::string lines = slurp(printed);
  CHECK(lines.find("cat < openat " + marker) != std::string::npos);
  CHECK(lines.find("fsconfig") == std::string::npos);
  CHECK(lines.find("io_uring_enter") == std::string::npos);
}

TEST_CASE("vigil without the privileges for live capture says so, with the reason, and exits 1") {
  // An unprivileged copy of the binary in a directory everyone can reach.
  const std::string dir = "/tmp/vigil-cli-unprivileged-" + std::to_string(getpid());
  REQUIRE(std::system(("rm -rf " + dir + " && mkdir -m 755 " + dir + " && cp " + vigil_bin() + " " +
                       vigil::test::source_path("rules/vigil_rules.yaml") + " " + dir + "/ && chmod 755 " + dir +
                       "/vigil && chmod 644 " + dir + "/vigil_rules.yaml").c_str()) == 0);
  const std::string err = dir + "/err";
  const int rc = std::system(("setpriv --reuid=65534 --regid=65534 --clear-groups " + dir + "/vigil -r " + dir +
                              "/vigil_rules.yaml -M 1 2> " + err).c_str());
  const std::string text = slurp(err);
  std::system(("rm -rf " + dir).c_str());
  CHECK(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 1);
  CHECK(text.find("live capture is impossible on this machine: ") != std::string::npos);
  CHECK(text.find("CAP_BPF") != std::string::npos);
}
