// vigil capturing live while its configuration changes: SIGHUP and watch_config_files reload the
// rules without losing process and fd state, a broken rules file keeps the old rules, SIGUSR1
// reopens the alert file after rotation; and the metrics endpoint a scraper reads. Runs as root.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
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
namespace fs = std::filesystem;

// Polls `path` until it holds `n` copies of `needle`; false after `limit`.
bool wait_for(const std::string& path, const std::string& needle, size_t n = 1, std::chrono::seconds limit = 20s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (count(slurp(path), needle) >= n) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// `vigil -c CONFIG` in the background, stdout and stderr to files in `dir`.
struct LiveVigil {
  pid_t pid = -1;
  std::string out_path, err_path;

  LiveVigil(const std::string& config, const std::string& dir) {
    out_path = dir + "/stdout";
    err_path = dir + "/stderr";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args = {vigil::test::binary_path("examples/vigil"), "-c", config, "-M", "60"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    REQUIRE(wait_for(err_path, "live capture started", 1, 60s));
  }
  ~LiveVigil() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  void signal(int sig) const { REQUIRE(kill(pid, sig) == 0); }
  // SIGTERM, then the exit code (-1 after a timeout or a signal death).
  int stop() {
    signal(SIGTERM);
    int status = 0;
    for (int i = 0; i < 600; ++i) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }
  std::string err() const { return slurp(err_path); }
};

std::string rule(const std::string& name, const std::string& condition, const std::string& output) {
  return "- rule: " + name + "\n  desc: test\n  condition: " + condition + "\n  output: \"" + output +
         "\"\n  priority: CRITICAL\n  tags: [test]\n";
}

// Replaces `path` the way editors do (write a temporary file, rename it over).
void replace_file(const std::string& path, const std::string& text) {
  std::ofstream(path + ".tmp") << text;
  fs::rename(path + ".tmp", path);
}

std::string config_for(const std::string& dir, const std::string& rules, const std::string& alerts,
                       bool watch = false) {
  const std::string path = dir + "/vigil.yaml";
  std::ofstream(path) << "rules_files: [" << rules << "]\nwatch_config_files: " << (watch ? "true" : "false")
                      << "\nstdout_output: {enabled: false}\nsyslog_output: {enabled: false}\n"
                      << "file_output: {enabled: true, keep_alive: true, filename: " << alerts << "}\n";
  return path;
}

std::string comm_of(pid_t pid) {
  std::string comm = slurp("/proc/" + std::to_string(pid) + "/comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

// GET http://127.0.0.1:port/path, the whole answer ("" when nothing listens).
std::string http_get(uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    for (pollfd p{fd, POLLIN, 0}; ::poll(&p, 1, 5000) > 0;) {
      char buf[8192];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      answer.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return answer;
}

// The number after `name` at the start of a line of Prometheus text; -1 when absent.
double sample(const std::string& text, const std::string& name) {
  const size_t at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

void touch_open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  ::close(fd);
}

}  // namespace

TEST_CASE("vigil live reloads rules on SIGHUP and the new rule sees an fd and a parent from before the reload") {
  const std::string dir = vigil::test::temp_dir();
  const std::string held = dir + "/held.txt";
  const std::string opened = dir + "/opened.txt";
  std::ofstream(held) << "0123456789";
  std::ofstream(opened) << "x";
  const std::string rules = dir + "/rules.yaml";
  const std::string alerts = dir + "/alerts.txt";
  std::ofstream(rules) << rule("Marker opened", "evt.type in (open, openat, openat2) and fd.name=" + opened,
                               "before-reload %fd.name");
  LiveVigil v(config_for(dir, rules, alerts), dir);
  // State from before the reload: this process (whose parent started long before vigil) opens
  // the file; only reads of that fd, which carry no path, will match after the reload.
  const int fd = ::open(held.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  touch_open(opened);
  REQUIRE(wait_for(alerts, "before-reload " + opened));
  replace_file(rules, rule("Held file read", "evt.type=read and fd.name=" + held,
                           "after-reload read %fd.name fd=%fd.num by %proc.name parent=%proc.pname"));
  v.signal(SIGHUP);
  REQUIRE(wait_for(v.err_path, "vigil: reloaded: 1 of 1 rules enabled"));
  char buf[4];
  REQUIRE(::read(fd, buf, sizeof buf) == 4);
  const std::string expected = "after-reload read " + held + " fd=" + std::to_string(fd) + " by " + comm_of(getpid()) +
                               " parent=" + comm_of(getppid());
  CHECK(wait_for(alerts, "after-reload read " + held));
  touch_open(opened);  // the old rule is gone
  ::close(fd);
  CHECK(v.stop() == 0);
  const std::string text = slurp(alerts);
  INFO(text << v.err());
  CHECK(count(text, expected) == 1);
  CHECK(count(text, "before-reload") == 1);
}

TEST_CASE("vigil live keeps its rules when a SIGHUP finds a broken rules file, and says where it broke") {
  const std::string dir = vigil::test::temp_dir();
  const std::string opened = dir + "/opened.txt";
  std::ofstream(opened) << "x";
  const std::string rules = dir + "/rules.yaml";
  const std::string alerts = dir + "/alerts.txt";
  const std::string good = rule("Marker opened", "evt.type in (open, openat, openat2) and fd.name=" + opened,
                                "still running %fd.name");
  std::ofstream(rules) << good;
  LiveVigil v(config_for(dir, rules, alerts), dir);
  replace_file(rules, good + "- rule: Broken\n  desc: x\n  condition: evt.type=open and (\n  output: x\n  priority: INFO\n");
  v.signal(SIGHUP);
  REQUIRE(wait_for(v.err_path, "reload refused"));
  touch_open(opened);
  CHECK(wait_for(alerts, "still running " + opened));
  CHECK(v.stop() == 0);
  const std::string err = v.err();
  INFO(err);
  CHECK(err.find("vigil: " + rules + ":") != std::string::npos);  // file:line:column first
  CHECK(err.find("reload refused, the previous rules and outputs stay active") != std::string::npos);
  CHECK(err.find("reloaded:") == std::string::npos);
}

TEST_CASE("vigil live follows a rotated alert file after SIGUSR1") {
  const std::string dir = vigil::test::temp_dir();
  const std::string opened = dir + "/opened.txt";
  std::ofstream(opened) << "x";
  const std::string rules = dir + "/rules.yaml";
  const std::string alerts = dir + "/alerts.txt";
  std::ofstream(rules) << rule("Marker opened", "evt.type in (open, openat, openat2) and fd.name=" + opened,
                               "marker %fd.name");
  LiveVigil v(config_for(dir, rules, alerts), dir);
  touch_open(opened);
  REQUIRE(wait_for(alerts, "marker " + opened));
  fs::rename(alerts, alerts + ".1");  // logrotate
  touch_open(opened);  // still written to the renamed file: the descriptor is kept open
  REQUIRE(wait_for(alerts + ".1", "marker " + opened, 2));
  v.signal(SIGUSR1);
  REQUIRE(wait_for(v.err_path, "vigil: reopening the outputs"));
  touch_open(opened);
  CHECK(wait_for(alerts, "marker " + opened));
  CHECK(v.stop() == 0);
  CHECK(count(slurp(alerts + ".1"), "marker " + opened) == 2);
  CHECK(count(slurp(alerts), "marker " + opened) == 1);
}

TEST_CASE("vigil live with watch_config_files reloads by itself when a rules file is replaced") {
  const std::string dir = vigil::test::temp_dir();
  const std::string first = dir + "/first.txt";
  const std::string second = dir + "/second.txt";
  std::ofstream(first) << "x";
  std::ofstream(second) << "x";
  const std::string rules = dir + "/rules.yaml";
  const std::string alerts = dir + "/alerts.txt";
  std::ofstream(rules) << rule("First opened", "evt.type in (open, openat, openat2) and fd.name=" + first,
                               "first %fd.name");
  LiveVigil v(config_for(dir, rules, alerts, true), dir);
  REQUIRE(wait_for(v.err_path, "vigil: watching 2 configuration and rules paths for changes"));
  replace_file(rules, rule("Second opened", "evt.type in (open, openat, openat2) and fd.name=" + second,
                           "second %fd.name"));
  REQUIRE(wait_for(v.err_path, "vigil: reloaded: 1 of 1 rules enabled"));
  touch_open(first);
  touch_open(second);
  CHECK(wait_for(alerts, "second " + second));
  // The configuration file is watched too.
  std::ofstream(dir + "/vigil.yaml", std::ios::app) << "priority: emergency\n";
  REQUIRE(wait_for(v.err_path, "vigil: reloaded: 0 of 1 rules enabled"));
  CHECK(v.stop() == 0);
  const std::string text = slurp(alerts);
  INFO(text << v.err());
  CHECK(count(text, "first ") == 0);
  CHECK(count(text, "second " + second) == 1);
}

TEST_CASE("vigil live serves Prometheus metrics on loopback that a scraper sees change") {
  const std::string dir = vigil::test::temp_dir();
  const std::string opened = dir + "/opened.txt";
  std::ofstream(opened) << "x";
  const std::string rules = dir + "/rules.yaml";
  std::ofstream(rules) << rule("Marker opened", "evt.type in (open, openat, openat2) and fd.name=" + opened,
                               "marker %fd.name");
  const std::string config = config_for(dir, rules, dir + "/alerts.txt");
  std::ofstream(config, std::ios::app) << "metrics: {enabled: true, output_rule: false}\n"
                                       << "webserver: {enabled: true, listen_port: 0, prometheus_metrics_enabled: true}\n";
  LiveVigil v(config, dir);
  const std::string intro = "vigil: webserver listening on http://127.0.0.1:";
  REQUIRE(wait_for(v.err_path, intro));
  const std::string err = v.err();
  const size_t at = err.find(intro);
  REQUIRE(at != std::string::npos);
  const auto port = static_cast<uint16_t>(std::stoul(err.substr(at + intro.size())));
  touch_open(opened);
  touch_open(opened);
  const std::string rule_line = "vigil_rule_matches_total{rule=\"Marker opened\",priority=\"Critical\",source=\"syscall\"} 2";
  std::string text;
  for (int i = 0; i < 100 && text.find(rule_line) == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    text = http_get(port, "/metrics");
  }
  INFO(text);
  CHECK(text.rfind("HTTP/1.1 200 OK", 0) == 0);
  CHECK(text.find(rule_line) != std::string::npos);
  CHECK(sample(text, "vigil_events_total") > 0);
  CHECK(sample(text, "vigil_drops_total") >= 0);
  CHECK(sample(text, "vigil_alerts_total") == 2);
  CHECK(text.find("vigil_output_sent_total{output=\"file\"} 2") != std::string::npos);
  CHECK(sample(text, "vigil_state_entries{table=\"threads\"}") > 10);  // this machine's processes
  CHECK(sample(text, "vigil_state_entries{table=\"fds\"}") > 10);
  CHECK(http_get(port, "/healthz").find("{\"status\": \"ok\"}") != std::string::npos);
  CHECK(v.stop() == 0);
  CHECK(http_get(port, "/metrics").empty());  // gone with vigil
}
