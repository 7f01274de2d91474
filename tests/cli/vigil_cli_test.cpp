// The vigil binary end to end: options, printing modes and rewriting, on the shared captures.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <sstream>
#include <string>

#include "../capture/format_test_support.h"
#include "test_paths.h"
#include "vigil/capture/scap_writer.h"

using vigil::test::binary_path;
using vigil::test::capture_path;
using vigil::test::temp_dir;

namespace {

struct Run {
  int status = -1;
  std::string out;
};

// Runs a shell command line; stdout is captured, stderr joins it when `with_stderr`.
Run run(const std::string& command, bool with_stderr = false) {
  Run r;
  FILE* p = popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string vigil_bin() { return binary_path("examples/vigil"); }

std::string quote(const std::string& s) { return "'" + s + "'"; }

size_t count_lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) ++n;
  return n;
}

size_t count_lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("vigil --help documents every option") {
  const Run r = run(vigil_bin() + " --help");
  CHECK(r.status == 0);
  for (const char* option : {"-e FILE", "--print", "-p FORMAT", "--raw", "--internal", "-w FILE", "--sysdig-compat",
                             "-z, --compress", "--version", "%evt.rawarg.NAME", "-r PATH", "-V PATH", "-L", "-D PATTERN",
                             "-T TAG", "-t TAG", "-o KEY=VALUE", "-c FILE", "--json", "--list-fields", "-M, --duration",
                             "FILTER"})
    CHECK(r.out.find(option) != std::string::npos);
}

TEST_CASE("vigil rejects bad command lines with exit code 2 and says why") {
  Run r = run(vigil_bin() + " --frobnicate", true);
  CHECK(r.status == 2);
  CHECK(r.out.find("unknown option '--frobnicate'") != std::string::npos);
  r = run(vigil_bin() + " -e " + capture_path("cat_write.scap") + " -M 5", true);
  CHECK(r.status == 2);
  CHECK(r.out.find("-M/--duration applies to live capture") != std::string::npos);
  r = run(vigil_bin() + " -M soon", true);
  CHECK(r.status == 2);
  CHECK(r.out.find("positive number of seconds") != std::string::npos);
  r = run(vigil_bin() + " -e " + capture_path("cat_write.scap") + " --raw", true);
  CHECK(r.status == 2);
  r = run(vigil_bin() + " -e " + capture_path("cat_write.scap") + " -p '%nope'", true);
  CHECK(r.status == 2);
  CHECK(r.out.find("unknown field '%nope'") != std::string::npos);
  r = run(vigil_bin() + " -e " + capture_path("cat_write.scap") + " -p", true);
  CHECK(r.status == 2);
  CHECK(r.out.find("-p needs a value") != std::string::npos);
}

TEST_CASE("vigil fails with exit code 1 and names a capture it cannot read") {
  const std::string missing = temp_dir() + "/missing.scap";
  const Run r = run(vigil_bin() + " -e " + missing + " --print", true);
  CHECK(r.status == 1);
  CHECK(r.out.find(missing) != std::string::npos);
}

TEST_CASE("vigil --print shows one syscall per line and hides internal events unless asked") {
  const std::string input = capture_path("cat_write.scap");
  const Run normalized = run(vigil_bin() + " -e " + input + " --print");
  REQUIRE(normalized.status == 0);
  CHECK(count_lines_containing(normalized.out, " procinfo ") == 0);
  // One event per syscall: the exit carries the enter's parameters, so no enter lines for read.
  CHECK(count_lines_containing(normalized.out, "> read ") == 0);
  CHECK(count_lines_containing(normalized.out, "< read ") > 0);
  // fd parameters carry the inspector's resolution, as in sysdig.
  CHECK(normalized.out.find("< open fd=3(<f>/etc/") != std::string::npos);

  const Run internal = run(vigil_bin() + " -e " + input + " --print --internal");
  CHECK(count_lines_containing(internal.out, " procinfo ") == 260);

  // Raw mode is sysdig -D: all 345 records, procinfo included, enter events kept.
  const Run raw = run(vigil_bin() + " -e " + input + " --print --raw");
  CHECK(count_lines(raw.out) == 345);
  CHECK(count_lines_containing(raw.out, " procinfo ") == 260);
  CHECK(count_lines_containing(raw.out, "> read ") > 0);
}

TEST_CASE("vigil -p prints only the events that have every field, all of them with a star") {
  const std::string input = capture_path("connect_localhost.scap");
  const Run strict = run(vigil_bin() + " -e " + input + " --raw -p " + quote("%evt.num %evt.arg.tuple"));
  REQUIRE(strict.status == 0);
  CHECK(strict.out == "187 127.0.0.1:47192->127.0.0.1:80\n");
  const Run star = run(vigil_bin() + " -e " + input + " --raw -p " + quote("*%evt.num %evt.arg.tuple"));
  CHECK(count_lines(star.out) == 374);
  CHECK(count_lines_containing(star.out, "<NA>") == 373);
}

TEST_CASE("vigil -w rewrites a capture that prints exactly like the original") {
  const std::string dir = temp_dir();
  for (const char* name : {"cat_write.scap", "sample.scap", "single_ipv6_conn.scap"}) {
    const std::string input = capture_path(name);
    const std::string plain = dir + "/" + name;
    const std::string zipped = dir + "/" + name + ".gz";
    REQUIRE(run(vigil_bin() + " -e " + input + " -w " + plain).status == 0);
    REQUIRE(run(vigil_bin() + " -e " + input + " -w " + zipped + " -z").status == 0);
    const Run original = run(vigil_bin() + " -e " + input + " --print --internal");
    REQUIRE(count_lines(original.out) > 0);
    CHECK(run(vigil_bin() + " -e " + plain + " --print --internal").out == original.out);
    CHECK(run(vigil_bin() + " -e " + zipped + " --print --internal").out == original.out);
    const Run gz_magic = run("head -c 2 " + zipped + " | od -An -tx1");
    CHECK(gz_magic.out.find("1f 8b") != std::string::npos);
  }
}

TEST_CASE("vigil -w --raw copies every record as stored") {
  const std::string out = temp_dir() + "/raw.scap";
  const std::string input = capture_path("open-multiple-files.scap");
  REQUIRE(run(vigil_bin() + " -e " + input + " --raw -w " + out).status == 0);
  const std::string format = quote("%evt.num %evt.rawtime %evt.cpu %thread.tid %evt.type %evt.args");
  CHECK(run(vigil_bin() + " -e " + out + " --raw -p " + format).out == run(vigil_bin() + " -e " + input + " --raw -p " + format).out);
}

TEST_CASE("vigil -w --sysdig-compat writes a file sysdig 0.29.3 reads with the same syscalls") {
  const std::string dir = temp_dir();
  for (const char* name : {"cat_write.scap", "open-multiple-files.scap", "connect_localhost.scap"}) {
    const std::string input = capture_path(name);
    const std::string out = dir + "/" + name + ".gz";
    REQUIRE(run(vigil_bin() + " -e " + input + " -w " + out + " --sysdig-compat -z").status == 0);
    const std::string exits = " -p '%evt.rawtime %thread.tid %evt.type %evt.res' 'evt.dir=<'";
    const Run expected = run("sysdig -r " + input + exits);
    const Run got = run("sysdig -r " + out + exits);
    REQUIRE(got.status == 0);
    CHECK(count_lines(expected.out) > 0);
    CHECK(got.out == expected.out);
  }
}

TEST_CASE("vigil prints every event before a truncated block, then names the file and offset") {
  const std::string dir = temp_dir();
  const std::string whole = dir + "/whole.scap";
  const std::string cut = dir + "/cut.scap";
  REQUIRE(run(vigil_bin() + " -e " + capture_path("cat_write.scap") + " --raw -w " + whole).status == 0);
  REQUIRE(run("head -c 95000 " + whole + " > " + cut).status == 0);
  const Run full = run(vigil_bin() + " -e " + whole + " --raw -p '%evt.num %evt.type'");
  const Run partial = run(vigil_bin() + " -e " + cut + " --raw -p '%evt.num %evt.type'");
  CHECK(partial.status == 1);
  REQUIRE(count_lines(partial.out) > 0);
  CHECK(count_lines(partial.out) < count_lines(full.out));
  CHECK(full.out.compare(0, partial.out.size(), partial.out) == 0);
  const Run err = run("{ " + vigil_bin() + " -e " + cut + " --raw --print 2>&1 >/dev/null; }");
  CHECK(err.out.find(cut + ": byte ") != std::string::npos);
  CHECK(err.out.find("truncated") != std::string::npos);
}

TEST_CASE("vigil never prints state-only events, in any mode") {
  using vigil::test::le;
  using vigil::test::str;
  const std::string path = temp_dir() + "/state_only.scap";
  {
    auto writer = vigil::capture::ScapWriter::create(path);
    REQUIRE(writer.ok());
    const vigil::test::TestEvent shown(5, 7, 1500000000000000000ull, {le<int64_t>(0)});
    const vigil::test::TestEvent hidden(5, 7, 1500000000000000001ull, {le<int64_t>(-2)});
    REQUIRE((*writer)->write_event(shown.view(1)).ok());
    REQUIRE((*writer)->write_event(hidden.view(2, 0, vigil::capture::kDumpStateOnly)).ok());
    REQUIRE((*writer)->close().ok());
  }
  for (const char* mode : {"--print", "--raw --print", "--print --internal"}) {
    const Run r = run(vigil_bin() + " -e " + path + " " + mode + " -p '%evt.num %evt.type %evt.res'");
    CHECK(r.status == 0);
    CHECK(r.out == "1 close SUCCESS\n");
  }
}

TEST_CASE("vigil accepts attached short-option values and --long=value forms") {
  const std::string input = capture_path("connect_localhost.scap");
  const Run separate = run(vigil_bin() + " -e " + input + " --raw -p '%evt.num %evt.arg.tuple'");
  const Run attached = run(vigil_bin() + " -e" + input + " --raw '-p%evt.num %evt.arg.tuple'");
  CHECK(separate.status == 0);
  CHECK(attached.out == separate.out);
  CHECK(run(vigil_bin() + " --raw=yes -e " + input + " --print", true).status == 2);
  const Run version = run(vigil_bin() + " --version");
  CHECK(version.status == 0);
  CHECK(version.out.rfind("vigil ", 0) == 0);
}
