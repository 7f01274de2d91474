// The getopt(argv, optstring) transformer (rules-language.md §B.11): its list result, the [c]
// option selector, and its compile-time type checks; on literal lists, on argv-style proc.args
// entries and on a real process of a shared capture.
#include <catch2/catch.hpp>

#include "support/tsv_field_registry.h"
#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/engine/filter.h"
#include "vigil/inspect/inspector.h"

using vigil::engine::Filter;
using vigil::test::FakeEvent;

namespace {

// An exit event type (execve's) so the filter's exit-only rule never hides the event.
constexpr uint16_t kExecveExit = 293;

bool holds(const std::string& condition, const FakeEvent& ev = FakeEvent()) {
  auto f = Filter::compile(condition, vigil::test::tsv_registry());
  INFO(condition << " -> " << (f ? std::string() : f.error().to_string()));
  REQUIRE(f.ok());
  return f->matches(kExecveExit, ev.ctx());
}

std::string compile_error(const std::string& condition) {
  auto f = Filter::compile(condition, vigil::test::tsv_registry());
  return f ? std::string() : f.error().message;
}

// proc.args[0..n-1] as the fake registry serves them, and the argv list expression over them.
FakeEvent argv_event(const std::vector<std::string>& args) {
  FakeEvent ev;
  for (size_t i = 0; i < args.size(); ++i) ev.set("proc.args[" + std::to_string(i) + "]", {args[i]});
  return ev;
}

std::string argv_list(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += (i ? ", proc.args[" : "proc.args[") + std::to_string(i) + "]";
  return s + ")";
}

}  // namespace

TEST_CASE("getopt lists each option found, followed by its value when it takes one") {
  CHECK(holds(R"(getopt(("-n", ""), "n") intersects ("n"))"));
  CHECK(holds(R"(getopt(("-t", "hello"), "t:") in ("t", "hello"))"));
  CHECK(holds(R"(getopt(("-thello"), "t:") in ("t", "hello"))"));
  CHECK(holds(R"(getopt(("-l", "-p", "8080", "-e", "/bin/sh"), "lp:e:") in ("l", "p", "8080", "e", "/bin/sh"))"));
  CHECK(holds(R"(len(getopt(("-l", "-p", "8080", "-e", "/bin/sh"), "lp:e:")) = 5)"));
  // Unknown options and positionals are skipped; a lone "-" is a positional.
  CHECK(holds(R"(getopt(("-x", "-", "file", "-n"), "n") in ("n"))"));
  CHECK_FALSE(holds(R"(getopt(("-x", "file"), "n") intersects ("x", "file"))"));
  // The value of an option is the next word, even one that starts with '-'.
  CHECK(holds(R"(getopt(("-t", "-123"), "t:") in ("t", "-123"))"));
}

TEST_CASE("getopt splits clustered flags and lets the last option of a cluster take a value") {
  CHECK(holds(R"(getopt(("-ve"), "ve") in ("v", "e"))"));
  CHECK(holds(R"(len(getopt(("-ve"), "ve")) = 2)"));
  CHECK(holds(R"(getopt(("-xzf", "file.tar.gz"), "xzf:") in ("x", "z", "f", "file.tar.gz"))"));
  // An option that takes a value ends the cluster: the rest of the word is its value.
  CHECK(holds(R"(getopt(("-nat", "hello"), "na:t") in ("n", "a", "t"))"));
  CHECK(holds(R"(getopt(("-nat", "hello"), "na:t")[a] = t)"));
  CHECK_FALSE(holds(R"(getopt(("-nat", "hello"), "na:t") intersects ("hello"))"));
}

TEST_CASE("getopt finds options after positionals and stops at --") {
  CHECK(holds(R"(getopt(("file1", "-n", "file2", "-t", "val", "file3"), "nt:") in ("n", "t", "val"))"));
  CHECK(holds(R"(getopt(("file1", "-n", "file2", "-t", "val", "file3"), "nt:")[t] = val)"));
  CHECK(holds(R"(getopt(("-n", "--", "-t", "x"), "nt:") in ("n"))"));
  CHECK_FALSE(holds(R"(getopt(("-n", "--", "-t", "x"), "nt:") intersects ("t"))"));
  CHECK_FALSE(holds(R"(getopt(("--", "-n"), "n") exists)"));
  // A leading '+' in the option string asks for POSIX scanning: options end at the first positional.
  CHECK_FALSE(holds(R"(getopt(("file", "-n"), "+n") exists)"));
}

TEST_CASE("getopt with a selector returns the last value of one option") {
  CHECK(holds(R"(getopt(("-t", "val1", "-t", "val2"), "t:")[t] = val2)"));
  CHECK(holds(R"(getopt(("-p8080"), "p:")[p] = 8080)"));
  // A missing value is an empty string; a flag has the empty string as its value.
  CHECK(holds(R"(getopt(("-t"), "t:")[t] = "")"));
  CHECK(holds(R"(getopt(("-v"), "vt:")[v] = "")"));
  CHECK(holds(R"(getopt(("-v"), "vt:")[v] exists)"));
  // An absent option cannot be extracted: every check on it is false, `not` of it true.
  CHECK_FALSE(holds(R"(getopt(("-v"), "vt:")[t] exists)"));
  CHECK_FALSE(holds(R"(getopt(("-v"), "vt:")[t] = "")"));
  CHECK(holds(R"(not getopt(("-v"), "vt:")[t] = "")"));
}

TEST_CASE("getopt reads argv-style proc.args entries and skips the ones a process does not have") {
  const auto ev = argv_event({"-ve", "-o", "out.txt", "input", "-d10"});
  const std::string argv = argv_list(8);  // more entries than the process has
  CHECK(holds("getopt(" + argv + ", \"veo:d:\") in (v, e, o, out.txt, d, 10)", ev));
  CHECK(holds("getopt(" + argv + ", \"veo:d:\")[o] = out.txt", ev));
  CHECK(holds("getopt(" + argv + ", \"veo:d:\")[d] = 10", ev));
  CHECK(holds("getopt(" + argv + ", \"veo:d:\")[e] exists", ev));
  CHECK_FALSE(holds("getopt(" + argv + ", \"veo:d:x\")[x] exists", ev));
  CHECK(holds("getopt(" + argv + ", \"veo:d:\")[o] = val(proc.args[2])", ev));
}

TEST_CASE("getopt rejects wrong argument counts, types and selectors at compile time") {
  CHECK(compile_error(R"(getopt(("a")) intersects ("n"))").find("getopt() takes an argument list") == 0);
  CHECK(compile_error(R"(getopt(("a"), "n", "x") intersects ("n"))").find("getopt() takes an argument list") == 0);
  CHECK(compile_error(R"(getopt("not_a_list", "n") intersects ("n"))").find("list of strings") != std::string::npos);
  CHECK(compile_error(R"(getopt(proc.name, "n") intersects ("n"))").find("list of strings") != std::string::npos);
  CHECK(compile_error(R"(getopt(("-n"), ("n")) intersects ("n"))").find("option string") != std::string::npos);
  CHECK(compile_error(R"(getopt(("-n"), "n")[nn] = x)").find("one option character") != std::string::npos);
  CHECK(compile_error(R"(getopt(("-n"), "n")[t] = x)") == "getopt() option 't' is not in the option string 'n'");
  // Without a selector the result is a list: only list operators apply.
  CHECK(compile_error(R"(getopt(("-n"), "n") = n)").find("not supported for list filters") != std::string::npos);
  // The selector is getopt's alone.
  CHECK(compile_error(R"(tolower(proc.name)[x] = a)").find("does not take an argument") != std::string::npos);
}

TEST_CASE("getopt selects a real daemon's option values from its command line in a capture") {
  vigil::inspect::Inspector inspector;
  auto filter = Filter::compile(
      "proc.name = ifplugd and getopt((proc.args[0], proc.args[1], proc.args[2], proc.args[3], proc.args[4], "
      "proc.args[5], proc.args[6], proc.args[7], proc.args[8], proc.args[9]), \"i:qfu:d:wI\")[d] = 10",
      inspector.fields());
  REQUIRE(filter.ok());
  auto other = Filter::compile(
      "proc.name = ifplugd and getopt((proc.args[0], proc.args[1], proc.args[2]), \"i:qfu:d:wI\")[u] exists",
      inspector.fields());
  REQUIRE(other.ok());
  auto reader = vigil::capture::ScapReader::open(vigil::test::capture_path("sample.scap"));
  REQUIRE(reader.ok());
  REQUIRE(inspector.seed((*reader)->metadata()).ok());
  vigil::capture::EventView ev;
  size_t matched = 0, cut_short = 0;
  while ((*reader)->next(ev) == vigil::capture::NextStatus::Event) {
    const auto& ctx = inspector.process(ev);
    matched += filter->matches(ev.type(), ctx);
    cut_short += other->matches(ev.type(), ctx);
  }
  // ifplugd -i eth0 -q -f -u0 -d10 -w -I: every ifplugd event carries -d10.
  CHECK(matched > 0);
  // Only the first three words are given to the second filter: -u0 is the fifth.
  CHECK(cut_short == 0);
}
