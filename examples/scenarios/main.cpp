// vigil-scenarios: performs attack-like behaviours safely (loopback only, temporary files,
// everything restored) so that detections can be checked on a live system; and a benign
// workload that must trigger nothing.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "files.h"
#include "scenario.h"

namespace vs = vigil::scenarios;

namespace {

constexpr int kUsageError = 64;  // 1 and 2 are taken by "failed" and "not available"

constexpr std::string_view kUsage =
    "usage: vigil-scenarios COMMAND\n"
    "\n"
    "Performs attack-like behaviours safely, one per scenario: network traffic only to its own\n"
    "listener on 127.0.0.1, files only in temporary directories or created and removed again,\n"
    "changed files restored byte for byte, every child process reaped. Run as root.\n"
    "\n"
    "commands:\n"
    "  list             the scenarios: what each does, the rules of vigil's default ruleset\n"
    "                   (vigil_rules.yaml) it should trigger, and notes\n"
    "  list --names     the scenario names, one a line\n"
    "  list --tsv       NAME<TAB>RULES<TAB>NOTE, rules separated by '; ', '-' for none\n"
    "  run NAME...      run the named scenarios in order\n"
    "  all              run every scenario\n"
    "  benign           a benign workload (make a small C project, run its test, dpkg-query)\n"
    "                   that should trigger nothing\n"
    "  --help           this text\n"
    "\n"
    "Container scenarios run in a fake container: cgroups named like a docker container's\n"
    "(docker/<64 hex> below the caller's own cgroups), removed again afterwards.\n"
    "\n"
    "Each scenario prints one line: performed ones to stdout as 'NAME: what it did (pids)',\n"
    "others to stderr. Exit status: 0 performed, 1 could not be performed (the message says\n"
    "why), 2 not available on this host; for several scenarios the worst of them, except that\n"
    "`all` treats 'not available' as success. 64: bad command line.\n"
    "\n"
    "Concurrent runs are serialized with a lock on /run/vigil-scenarios.lock; a caller that\n"
    "holds that lock itself sets VIGIL_SCENARIOS_LOCK_HELD=1.\n"
    "\n"
    "scenarios:\n";

enum class ListStyle { kText, kNames, kTsv };

std::string_view or_dash(std::string_view s) { return s.empty() ? "-" : s; }

void print_list(ListStyle style) {
  const auto put = [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); };
  for (const vs::Scenario* s : vs::all_scenarios()) {
    switch (style) {
      case ListStyle::kNames:
        put(s->name), put("\n");
        break;
      case ListStyle::kTsv:
        put(s->name), put("\t"), put(or_dash(s->rules)), put("\t"), put(or_dash(s->note)), put("\n");
        break;
      case ListStyle::kText:
        put("  "), put(s->name), put("\n      "), put(s->summary), put("\n      rules: ");
        put(s->rules.empty() ? "(none in the default rules)" : s->rules), put("\n");
        if (!s->note.empty()) put("      note: "), put(s->note), put("\n");
        break;
    }
  }
}

// Serializes vigil-scenarios runs: two runs touching /root/.bashrc at once could not each
// restore it. Held until exit.
vigil::Result<vs::UniqueFd> take_lock() {
  if (const char* held = std::getenv("VIGIL_SCENARIOS_LOCK_HELD"); held && std::string_view(held) == "1")
    return vs::UniqueFd();
  const std::string path = "/run/vigil-scenarios.lock";
  vs::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return vs::system_error("open " + path);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return vs::system_error("lock " + path);
    if (std::chrono::steady_clock::now() >= deadline)
      return vigil::Error{"another vigil-scenarios run held " + path + " for 120 s"};
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return fd;
}

// Termination signals wait while a scenario runs, so whatever it changed is restored first; a
// pending one ends the program between scenarios.
class TerminationDeferral {
 public:
  TerminationDeferral() {
    sigemptyset(&set_);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set_, sig);
    sigprocmask(SIG_BLOCK, &set_, nullptr);
  }
  ~TerminationDeferral() { sigprocmask(SIG_UNBLOCK, &set_, nullptr); }
  TerminationDeferral(const TerminationDeferral&) = delete;
  TerminationDeferral& operator=(const TerminationDeferral&) = delete;

 private:
  sigset_t set_;
};

vs::Verdict run_one(std::string_view name, vigil::Status (*run)(vs::Report&)) {
  vs::Outcome outcome;
  {
    TerminationDeferral defer;
    vs::Report report;
    const vigil::Status status = run(report);
    outcome = report.outcome(status);
  }
  std::FILE* out = outcome.verdict == vs::Verdict::kPerformed ? stdout : stderr;
  std::fprintf(out, "%s%.*s: %s\n", out == stderr ? "vigil-scenarios: " : "", static_cast<int>(name.size()),
               name.data(), outcome.message.c_str());
  std::fflush(out);
  return outcome.verdict;
}

int worst(const std::vector<vs::Verdict>& verdicts, bool unavailable_is_success) {
  bool failed = false, unavailable = false;
  for (vs::Verdict v : verdicts) {
    failed = failed || v == vs::Verdict::kFailed;
    unavailable = unavailable || v == vs::Verdict::kUnavailable;
  }
  if (failed) return static_cast<int>(vs::Verdict::kFailed);
  if (unavailable && !unavailable_is_success) return static_cast<int>(vs::Verdict::kUnavailable);
  return 0;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "vigil-scenarios: %s (see vigil-scenarios --help)\n", message.c_str());
  return kUsageError;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("missing command");
  const std::string_view command = args[0];

  if (command == "--help" || command == "-h" || command == "help") {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    print_list(ListStyle::kText);
    return 0;
  }
  if (command == "list") {
    ListStyle style = ListStyle::kText;
    if (args.size() == 2 && args[1] == "--names") style = ListStyle::kNames;
    else if (args.size() == 2 && args[1] == "--tsv") style = ListStyle::kTsv;
    else if (args.size() != 1) return usage_error("list takes --names or --tsv");
    print_list(style);
    return 0;
  }

  std::vector<const vs::Scenario*> selected;
  if (command == "all" || command == "benign") {
    if (args.size() != 1) return usage_error(std::string(command) + " takes no arguments");
    if (command == "all") selected = vs::all_scenarios();
  } else if (command == "run") {
    if (args.size() < 2) return usage_error("run needs at least one scenario name");
    for (size_t i = 1; i < args.size(); ++i) {
      const vs::Scenario* s = vs::find_scenario(args[i]);
      if (!s) return usage_error("unknown scenario '" + std::string(args[i]) + "'");
      selected.push_back(s);
    }
  } else {
    return usage_error("unknown command '" + std::string(command) + "'");
  }

  if (::geteuid() != 0) std::fprintf(stderr, "vigil-scenarios: warning: not root; most scenarios will fail\n");
  vigil::Result<vs::UniqueFd> lock = take_lock();
  if (!lock) {
    std::fprintf(stderr, "vigil-scenarios: %s\n", lock.error().to_string().c_str());
    return 1;
  }

  if (command == "benign") return static_cast<int>(run_one("benign", vs::run_benign));
  std::vector<vs::Verdict> verdicts;
  for (const vs::Scenario* s : selected) verdicts.push_back(run_one(s->name, s->run));
  return worst(verdicts, command == "all");
}
