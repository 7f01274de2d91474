// Captures read from a pipe (`-e -`) or a FIFO, and SIGHUP while such a replay is under way: the
// test feeds the FIFO itself, so it decides exactly when vigil has seen part of the capture, swaps
// the rules file and asks for the reload.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "cli_support.h"
#include "scap_bytes.h"
#include "test_text.h"

using namespace vigil::test;

namespace {

// Every line of `text` that starts with `prefix` followed by an event number: those numbers.
std::vector<uint64_t> numbers_after(const std::string& text, const std::string& prefix) {
  std::vector<uint64_t> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t at = line.find(prefix);
    if (at != std::string::npos) out.push_back(std::stoull(line.substr(at + prefix.size())));
  }
  return out;
}

// A rule firing on a few hundred events spread over curl_google_comments.scap, its output tagged
// with `tag`.
std::string spread_rule(const std::string& tag) {
  return "- rule: Memory or fd call " + tag + "\n  desc: x\n"
         "  condition: evt.dir = < and evt.type in (close, read, mmap, mprotect)\n"
         "  output: \"" + tag + " num=%evt.num\"\n  priority: WARNING\n";
}

void write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    REQUIRE(n > 0);
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// vigil running as a child with stdout on a pipe the test reads as it goes, stderr in a file.
class VigilChild {
 public:
  VigilChild(std::vector<std::string> args, const std::string& stderr_path) {
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    args.insert(args.begin(), vigil_cli());
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err >= 0) ::dup2(err, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      _exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
  }
  ~VigilChild() {
    if (out_ >= 0) ::close(out_);
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  const std::string& out() const { return text_; }

  // Reads stdout until it holds `needle` or `limit` passed; false on timeout or end of output.
  bool read_until(const std::string& needle, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (text_.find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      if (!read_some()) return false;
    }
    return true;
  }
  // Reads stdout to its end and returns vigil's exit status (-1 when it did not exit normally).
  int finish() {
    while (read_some()) {
    }
    int status = 0;
    REQUIRE(::waitpid(pid_, &status, 0) == pid_);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  bool read_some() {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(out_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      text_.append(buf, static_cast<size_t>(n));
      return true;
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  std::string text_;
};

}  // namespace

TEST_CASE("vigil -e - reads a capture from its standard input with the same alerts as from the file") {
  const std::string dir = temp_dir();
  const std::string rules = write_text_file(dir + "/rules.yaml", spread_rule("A"));
  const std::string capture = capture_path("curl_google_comments.scap");
  const CliRun from_file = run_cli(vigil_cli() + " -r " + rules + " -e " + capture + " -o buffered_outputs=true");
  REQUIRE(from_file.status == 0);
  const auto expected = numbers_after(from_file.out, "A num=");
  REQUIRE(expected.size() > 100);
  // Compressed and plain input alike: the reader sniffs the stream, it never seeks.
  for (const std::string& feed : {"cat " + capture, "gzip -dc " + capture}) {
    INFO(feed);
    const CliRun piped = run_cli(feed + " | " + vigil_cli() + " -r " + rules + " -e - -o buffered_outputs=true");
    CHECK(piped.status == 0);
    CHECK(numbers_after(piped.out, "A num=") == expected);
  }
}

TEST_CASE("SIGHUP during a replay from a FIFO swaps the rules between two events, losing and repeating no alert") {
  const std::string dir = temp_dir();
  const std::string rules = write_text_file(dir + "/rules.yaml", spread_rule("A"));
  // What rules A alone raise on the whole capture: the event numbers the two rule sets share.
  const CliRun reference = run_cli(vigil_cli() + " -r " + rules + " -e " + capture_path("curl_google_comments.scap"));
  REQUIRE(reference.status == 0);
  const std::vector<uint64_t> all = numbers_after(reference.out, "A num=");
  REQUIRE(all.size() > 100);

  // Decompressed, so the test can cut the capture wherever it likes.
  const std::vector<uint8_t> bytes = read_decompressed(capture_path("curl_google_comments.scap"));
  REQUIRE(bytes.size() > 4096);
  const std::string fifo = dir + "/capture.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string err_path = dir + "/stderr.txt";
  // watch_config_files is on, but a replay only reloads when asked: the swap below reloads once.
  const std::string config = write_text_file(
      dir + "/vigil.yaml", "watch_config_files: true\nbuffered_outputs: false\nsyslog_output: {enabled: false}\n");
  VigilChild vigil({"-c", config, "-e", fifo, "-r", rules}, err_path);
  const int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);  // waits for vigil to open it
  REQUIRE(fd >= 0);
  // The capture a little at a time until rules A raised their first alert; vigil then waits in
  // read() for the rest.
  size_t fed = 0;
  while (vigil.out().find("A num=") == std::string::npos) {
    REQUIRE(fed < bytes.size());
    const size_t n = std::min<size_t>(1024, bytes.size() - fed);
    write_all(fd, bytes.data() + fed, n);
    fed += n;
    vigil.read_until("A num=", std::chrono::milliseconds(50));
  }

  // Rules B replace rules A in the same file (atomically), then the reload is requested.
  write_text_file(dir + "/rules.next", spread_rule("B"));
  REQUIRE(::rename((dir + "/rules.next").c_str(), rules.c_str()) == 0);
  REQUIRE(::kill(vigil.pid(), SIGHUP) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the signal land while vigil waits
  write_all(fd, bytes.data() + fed, bytes.size() - fed);
  ::close(fd);
  const int status = vigil.finish();
  const std::string err = slurp(err_path);
  INFO(err);
  CHECK(status == 0);

  const auto a = numbers_after(vigil.out(), "A num=");
  const auto b = numbers_after(vigil.out(), "B num=");
  REQUIRE_FALSE(a.empty());
  REQUIRE_FALSE(b.empty());
  // One switch, between two events: every A alert comes before every B alert...
  CHECK(a.back() < b.front());
  // ...and together they are exactly the alerts of one rule set over the whole capture.
  std::vector<uint64_t> joined = a;
  joined.insert(joined.end(), b.begin(), b.end());
  CHECK(joined == all);
  CHECK(std::set<uint64_t>(joined.begin(), joined.end()).size() == joined.size());
  CHECK(count(err, "vigil: reloading the configuration and rules\n") == 1);
  CHECK(count(err, "vigil: reloaded: 1 of 1 rules enabled\n") == 1);
  CHECK(err.find(std::to_string(all.size()) + " alerts") != std::string::npos);
}
