// Alert sinks against real receivers on this machine: an HTTP server on 127.0.0.1, a unix
// datagram socket standing in for /dev/log, programs started with argv, and files.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "loopback_http_server.h"
#include "test_paths.h"
#include "vigil/engine/alert_sink.h"
#include "vigil/engine/outputs.h"

using namespace vigil::engine;
using vigil::Status;
using vigil::test::HttpRequest;
using vigil::test::LoopbackHttpServer;
namespace fs = std::filesystem;

namespace {

// The 0.31.0 peer alert of rules-language.md §D.3, with a host name.
Alert peer_alert() {
  Alert a;
  a.time_ns = 1470327477881781397ull;
  a.rule = "open_from_cat";
  a.priority = Priority::Warning;
  a.source = "syscall";
  a.tags = {"filesystem", "process", "testing"};
  a.message = "An open was seen (command=cat /dev/null)";
  a.text = "2016-08-04T16:17:57.881781397+0000: Warning An open was seen (command=cat /dev/null)";
  a.hostname = "testhost";
  a.output_fields = {{"evt.time.iso8601", "1470327477881781397", Alert::Field::Kind::Number},
                     {"proc.cmdline", "cat /dev/null", Alert::Field::Kind::String}};
  return a;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A unix datagram socket bound in a temp directory, as syslogd binds /dev/log.
class DatagramReceiver {
 public:
  explicit DatagramReceiver(std::string path = vigil::test::temp_dir() + "/log") : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~DatagramReceiver() { ::close(fd_); }
  const std::string& path() const { return path_; }
  // Next datagram, or "<timeout>" after 5 s.
  std::string receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return "<timeout>";
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n < 0 ? "<error>" : std::string(buf, static_cast<size_t>(n));
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

TEST_CASE("http output posts the Falco JSON alert with its headers to a real server") {
  LoopbackHttpServer server;
  server.serve(1);
  HttpSinkOptions o;
  o.url = server.url("/falco/alerts?x=1");
  o.user_agent = "vigil-test/1";
  o.headers = {{"X-Api-Key", "secret"}, {"X-Tenant", "blue"}};
  auto sink = make_http_sink(o);
  Alert alert = peer_alert();
  Status st = sink->write(render_alert(alert, {}));
  server.join();
  REQUIRE(st.ok());
  REQUIRE(server.requests.size() == 1);
  const HttpRequest& r = server.requests[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/falco/alerts?x=1");
  CHECK(r.header("Content-Type") == "application/json");
  CHECK(r.header("User-Agent") == "vigil-test/1");
  CHECK(r.header("X-Api-Key") == "secret");
  CHECK(r.header("X-Tenant") == "blue");
  CHECK(r.body == alert.to_json());
  CHECK(r.body ==
        R"J({"hostname":"testhost","output":"2016-08-04T16:17:57.881781397+0000: Warning An open was seen (command=cat /dev/null)","output_fields":{"evt.time.iso8601":1470327477881781397,"proc.cmdline":"cat /dev/null"},"priority":"Warning","rule":"open_from_cat","source":"syscall","tags":["filesystem","process","testing"],"time":"2016-08-04T16:17:57.881781397Z"})J");
}

TEST_CASE("http output posts JSON even when json_output is off, honouring the json_include switches") {
  LoopbackHttpServer server;
  server.serve(1);
  auto sink = make_http_sink({.url = server.url("/")});
  AlertFormat f;
  f.include_output = false;
  f.include_tags = false;
  Alert alert = peer_alert();
  REQUIRE(sink->write(render_alert(alert, f)).ok());
  server.join();
  REQUIRE(server.requests.size() == 1);
  CHECK(server.requests[0].body == alert.to_json(false, true, false));
}

TEST_CASE("http output reports a non-2xx answer as a failure and keeps working through Outputs") {
  LoopbackHttpServer server(503);
  server.serve(2);
  Outputs outputs;
  outputs.add_sink("http", make_http_sink({.url = server.url("/")}));
  REQUIRE(outputs.send(peer_alert()));
  REQUIRE(outputs.send(peer_alert()));
  REQUIRE(outputs.flush().ok());
  server.join();
  auto st = outputs.stats();
  REQUIRE(st.sinks.size() == 1);
  CHECK(st.sinks[0].failed == 2);
  CHECK(st.sinks[0].sent == 0);
  CHECK(st.sinks[0].last_error.find("server answered 503") != std::string::npos);
  CHECK(server.requests.size() == 2);
}

TEST_CASE("http output to a closed port fails with curl's reason instead of hanging") {
  LoopbackHttpServer server;  // bound, but we take its port and never accept on a new one
  std::string url = server.url("/");
  // Connecting to a port nobody listens on: find one by binding and closing.
  sockaddr_in addr{};
  ::close(vigil::test::bound_loopback_socket(SOCK_STREAM, addr));
  auto sink = make_http_sink({.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/"});
  Status st = sink->write(render_alert(peer_alert(), {}));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("http output:") == 0);
}

TEST_CASE("syslog output sends an RFC 3164 line with the priority as severity to the configured socket") {
  DatagramReceiver syslogd;
  SyslogSinkOptions o;
  o.socket_path = syslogd.path();
  o.app_name = "vigil";
  o.clock = [] { return 1700000000ull * 1000000000ull; };
  auto sink = make_syslog_sink(o);
  Alert alert = peer_alert();
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  time_t secs = 1700000000;
  struct tm tm;
  localtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
  // user facility (1) * 8 + Warning (4)
  std::string expected = std::string("<12>") + stamp + " vigil[" + std::to_string(::getpid()) + "]: " + alert.text;
  CHECK(syslogd.receive() == expected);

  alert.priority = Priority::Emergency;
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  CHECK(syslogd.receive().rfind("<8>", 0) == 0);
  alert.priority = Priority::Debug;
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  CHECK(syslogd.receive().rfind("<15>", 0) == 0);
}

TEST_CASE("syslog output in RFC 5424 form carries an UTC time stamp, host and the JSON line") {
  DatagramReceiver syslogd;
  SyslogSinkOptions o;
  o.socket_path = syslogd.path();
  o.format = SyslogFormat::Rfc5424;
  o.facility = 4;  // auth
  o.hostname = "node-1";
  o.clock = [] { return 1700000000123456789ull; };
  auto sink = make_syslog_sink(o);
  Alert alert = peer_alert();
  alert.priority = Priority::Critical;
  AlertFormat f;
  f.json_output = true;
  REQUIRE(sink->write(render_alert(alert, f)).ok());
  CHECK(syslogd.receive() == "<34>1 2023-11-14T22:13:20.123456Z node-1 vigil " + std::to_string(::getpid()) +
                                 " - - " + alert.to_json());
}

TEST_CASE("syslog output reports a missing socket and reconnects once it exists") {
  std::string dir = vigil::test::temp_dir();
  SyslogSinkOptions o;
  o.socket_path = dir + "/absent";
  auto sink = make_syslog_sink(o);
  Status st = sink->write(render_alert(peer_alert(), {}));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().file == dir + "/absent");
  CHECK(st.error().message.find("cannot connect") != std::string::npos);
  DatagramReceiver syslogd(dir + "/absent");  // the daemon comes up
  REQUIRE(sink->write(render_alert(peer_alert(), {})).ok());
  CHECK(syslogd.receive().find(peer_alert().text) != std::string::npos);
}

TEST_CASE("syslog output reconnects after the daemon restarted on the same path") {
  std::string path = vigil::test::temp_dir() + "/log";
  auto receiver = std::make_unique<DatagramReceiver>(path);
  auto sink = make_syslog_sink({.socket_path = path});
  REQUIRE(sink->write(render_alert(peer_alert(), {})).ok());
  CHECK(receiver->receive().find(peer_alert().text) != std::string::npos);
  receiver.reset();
  ::unlink(path.c_str());
  receiver = std::make_unique<DatagramReceiver>(path);  // a new socket: the old connection is dead
  REQUIRE(sink->write(render_alert(peer_alert(), {})).ok());
  CHECK(receiver->receive().find(peer_alert().text) != std::string::npos);
}

TEST_CASE("program output runs argv without a shell and feeds the alert on stdin") {
  std::string dir = vigil::test::temp_dir();
  std::string out = dir + "/alerts.txt";
  auto sink = make_program_sink({{"/bin/sh", "-c", "cat >> " + out}, false});
  Alert alert = peer_alert();
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  // Without keep_alive each write waits for its child, so the file is complete now.
  CHECK(read_file(out) == alert.text + "\n" + alert.text + "\n");
}

TEST_CASE("program output never executes alert text: substitutions, separators and backticks stay data") {
  std::string dir = vigil::test::temp_dir();
  std::string out = dir + "/alerts.txt";
  Alert alert = peer_alert();
  alert.text = "evil $(touch " + dir + "/x1) ; touch " + dir + "/x2 `touch " + dir + "/x3` | touch " + dir +
               "/x4 && touch " + dir + "/x5\n$(touch " + dir + "/x6)";
  for (bool keep_alive : {false, true}) {
    {
      auto sink = make_program_sink({{"/bin/sh", "-c", "cat >> \"$0\"", out}, keep_alive});
      REQUIRE(sink->write(render_alert(alert, {})).ok());
    }  // destroying the sink closes stdin and reaps the kept-alive child
  }
  CHECK(read_file(out) == alert.text + "\n" + alert.text + "\n");
  for (int i = 1; i <= 6; ++i) CHECK_FALSE(fs::exists(dir + "/x" + std::to_string(i)));
}

TEST_CASE("program output with keep_alive feeds every alert to one process") {
  std::string dir = vigil::test::temp_dir();
  std::string out = dir + "/alerts.txt";
  std::string pids = dir + "/pids.txt";
  {
    auto sink = make_program_sink({{"/bin/sh", "-c", "echo $$ >> \"$1\"; cat >> \"$0\"", out, pids}, true});
    for (int i = 0; i < 3; ++i) REQUIRE(sink->write(render_alert(peer_alert(), {})).ok());
  }
  std::string alert_text = peer_alert().text;
  CHECK(read_file(out) == alert_text + "\n" + alert_text + "\n" + alert_text + "\n");
  std::string p = read_file(pids);
  CHECK(std::count(p.begin(), p.end(), '\n') == 1);
}

TEST_CASE("program output reports a program that cannot start or that fails") {
  auto missing = make_program_sink({{"/nonexistent/vigil-program"}, false});
  Status st = missing->write(render_alert(peer_alert(), {}));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("cannot start /nonexistent/vigil-program") != std::string::npos);

  auto failing = make_program_sink({{"/bin/sh", "-c", "cat > /dev/null; exit 3"}, false});
  st = failing->write(render_alert(peer_alert(), {}));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("exited with status 3") != std::string::npos);
}

TEST_CASE("program output restarts a kept-alive child that exited, without SIGPIPE") {
  std::string dir = vigil::test::temp_dir();
  std::string out = dir + "/alerts.txt";
  std::string pidfile = dir + "/pid.txt";
  // The child takes one line and exits; the next write meets a closed socket (EPIPE, no SIGPIPE
  // for vigil) and the sink starts a new child for it.
  auto sink = make_program_sink(
      {{"/bin/sh", "-c", "echo $$ > \"$1\"; exec head -n 1 >> \"$0\"", out, pidfile}, true});
  Alert alert = peer_alert();
  alert.text = "alert 0";
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  // Wait (bounded) until the first child is a zombie: it read its line and exited.
  bool exited = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !exited && std::chrono::steady_clock::now() < deadline;) {
    std::string pid = read_file(pidfile);
    if (!pid.empty()) {
      std::string stat = read_file("/proc/" + pid.substr(0, pid.size() - 1) + "/stat");
      size_t paren = stat.rfind(')');
      exited = paren != std::string::npos && stat.size() > paren + 2 && stat[paren + 2] == 'Z';
    }
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(exited);
  alert.text = "alert 1";
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  sink.reset();
  CHECK(read_file(out) == "alert 0\nalert 1\n");
}

TEST_CASE("file output appends lines and follows rotation after reopen with keep_alive") {
  std::string dir = vigil::test::temp_dir();
  std::string path = dir + "/events.txt";
  auto sink = make_file_sink({path, true});
  Alert alert = peer_alert();
  alert.text = "first";
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  REQUIRE(sink->flush().ok());
  fs::rename(path, path + ".1");  // logrotate
  alert.text = "second";  // the open descriptor still points at the rotated file
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  REQUIRE(sink->flush().ok());
  REQUIRE(sink->reopen().ok());  // SIGUSR1
  alert.text = "third";
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  REQUIRE(sink->flush().ok());
  CHECK(read_file(path + ".1") == "first\nsecond\n");
  CHECK(read_file(path) == "third\n");
}

TEST_CASE("file output without keep_alive opens the file per alert, so rotation needs no signal") {
  std::string dir = vigil::test::temp_dir();
  std::string path = dir + "/events.txt";
  auto sink = make_file_sink({path, false});
  Alert alert = peer_alert();
  alert.text = "first";
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  fs::rename(path, path + ".1");
  alert.text = "second";
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  CHECK(read_file(path + ".1") == "first\n");
  CHECK(read_file(path) == "second\n");
  CHECK((fs::status(path).permissions() & fs::perms::others_all) == fs::perms::none);
}

TEST_CASE("file output names the file when it cannot be opened") {
  auto sink = make_file_sink({"/nonexistent-dir/events.txt", false});
  Status st = sink->write(render_alert(peer_alert(), {}));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().file == "/nonexistent-dir/events.txt");
}

TEST_CASE("stdout output prints the text line, or the JSON line with json_output") {
  std::string path = vigil::test::temp_dir() + "/stdout.txt";
  std::FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  auto sink = make_stdout_sink(f);
  Alert alert = peer_alert();
  REQUIRE(sink->write(render_alert(alert, {})).ok());
  AlertFormat json;
  json.json_output = true;
  REQUIRE(sink->write(render_alert(alert, json)).ok());
  REQUIRE(sink->flush().ok());
  std::fclose(f);
  CHECK(read_file(path) == alert.text + "\n" + alert.to_json() + "\n");
}
