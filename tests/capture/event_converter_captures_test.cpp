// The converter on the shared captures through ScapReader in Normalized mode: the delivered
// counts the newest libs produce (scap-format.md §15), the newest layouts on every delivered
// event, and enter parameters carried by merged exits as sysdig 0.29.3 shows them on the enter
// events (golden file from scripts/gen_converter_golden.sh).
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "scap_reader_test_files.h"
#include "vigil/capture/event_schema.h"
#include "vigil/capture/scap_reader.h"

using namespace vigil;
using namespace vigil::capture;

namespace {

const char* const kCaptures[] = {
    "cat_write.scap",       "connect_localhost.scap", "curl_google_comments.scap", "empty.scap",
    "open-multiple-files.scap", "ping_sendto.scap",   "psp_privileged.scap",       "psp_write_tmp_test.scap",
    "sample.scap",          "single_ipv6_conn.scap",  "syscall.scap",              "test_ipv6_client.scap",
};

struct Pass {
  size_t delivered = 0;
  NextStatus last = NextStatus::EndOfStream;
  std::string error;
  SourceStats stats;
};

// Reads a capture to the end, showing every delivered event to `visit`.
Pass read_capture(const std::string& name, ReadMode mode, const std::function<void(const EventView&)>& visit = {}) {
  Pass p;
  auto reader = ScapReader::open(vigil::test::capture_path(name), {mode});
  REQUIRE(reader.ok());
  EventView e;
  while ((p.last = (*reader)->next(e)) == NextStatus::Event) {
    ++p.delivered;
    if (visit) visit(e);
  }
  if (p.last == NextStatus::Failed) p.error = (*reader)->error().message;
  p.stats = (*reader)->stats();
  return p;
}

}  // namespace

TEST_CASE("cat_write.scap delivers 307 of its 345 records once 38 enter events are absorbed") {
  Pass raw = read_capture("cat_write.scap", ReadMode::Raw);
  Pass norm = read_capture("cat_write.scap", ReadMode::Normalized);
  CHECK(raw.delivered == 345);
  CHECK(norm.last == NextStatus::EndOfStream);
  CHECK(norm.delivered == 307);
  CHECK(norm.stats.absorbed == 38);
}

TEST_CASE("curl_google_comments.scap goes from 1536 records to 991 delivered events") {
  Pass raw = read_capture("curl_google_comments.scap", ReadMode::Raw);
  Pass norm = read_capture("curl_google_comments.scap", ReadMode::Normalized);
  CHECK(raw.delivered == 1536);
  CHECK(norm.last == NextStatus::EndOfStream);
  CHECK(norm.delivered == 991);
}

TEST_CASE("Every shared capture converts without error into current layouts only") {
  const EventSchema& schema = EventSchema::newest();
  size_t managed_exits = 0;
  for (const char* name : kCaptures) {
    INFO(name);
    Pass p = read_capture(name, ReadMode::Normalized, [&](const EventView& e) {
      const EventInfo& info = schema[e.type()];
      INFO(info.enum_name << " with " << e.nparams() << " params");
      REQUIRE_FALSE(info.has(kUnused));
      if (info.direction == Direction::Exit) {
        REQUIRE_FALSE(info.has(kOldVersion));
        if (info.has(kConverterManaged)) {
          ++managed_exits;
          REQUIRE(e.nparams() == info.nparams());
        }
      } else if (info.has(kOldVersion)) {
        // Old enter events only survive where the libs store-and-pass them (execve_19_E).
        REQUIRE(info.enum_name == "PPME_SYSCALL_EXECVE_19_E");
      }
    });
    CHECK(p.error == "");
    CHECK(p.last == NextStatus::EndOfStream);
  }
  CHECK(managed_exits > 500);
}

TEST_CASE("The 2022-era execve exit of cat_write.scap comes out as execve_19 with 31 parameters") {
  std::string raw_exe;
  uint16_t raw_type = 0;
  uint32_t raw_nparams = 0;
  read_capture("cat_write.scap", ReadMode::Raw, [&](const EventView& e) {
    if (e.info() && e.info()->name == "execve" && e.direction() == Direction::Exit) {
      raw_type = e.type();
      raw_nparams = e.nparams();
      raw_exe = std::string(e.param(1).as_string());
    }
  });
  REQUIRE(raw_type != 0);
  CHECK(EventSchema::newest()[raw_type].has(kOldVersion));

  int seen = 0;
  read_capture("cat_write.scap", ReadMode::Normalized, [&](const EventView& e) {
    if (e.info() && e.info()->name == "execve" && e.direction() == Direction::Exit) {
      ++seen;
      CHECK(e.type() == 293);
      CHECK(e.nparams() == 31);
      CHECK(e.param("exe").as_string() == raw_exe);
      // Parameters the old layout lacked are empty, never garbage.
      for (uint32_t i = raw_nparams + 1; i < 31; ++i) CHECK(e.param(i).size() <= 8);
    }
  });
  CHECK(seen == 1);
}

TEST_CASE("Merged exits carry the fd and size sysdig shows on their enter events") {
  struct Enter {
    std::string type;
    std::string fd;
    std::string size;
  };
  // capture -> tid -> enter events in file order
  std::map<std::string, std::map<int64_t, std::vector<Enter>>> golden;
  std::ifstream in(vigil::test::source_path("tests/capture/golden/converter_enter_fd_size.tsv"));
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  size_t rows = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string capture, tid, type, fd, size;
    std::getline(ss, capture, '\t');
    std::getline(ss, tid, '\t');
    std::getline(ss, type, '\t');
    std::getline(ss, fd, '\t');
    std::getline(ss, size, '\t');
    golden[capture][std::stoll(tid)].push_back({type, fd, size});
    ++rows;
  }
  REQUIRE(rows > 50);

  for (const auto& [capture, by_tid] : golden) {
    INFO(capture);
    std::map<int64_t, size_t> next;  // per tid: index of the next golden enter
    size_t checked = 0;
    Pass p = read_capture(capture + ".scap", ReadMode::Normalized, [&](const EventView& e) {
      if (!e.info() || e.direction() != Direction::Exit || e.dump_flags() != 0) return;
      const std::string type(e.info()->name);
      if (type != "read" && type != "write" && type != "sendto" && type != "recvfrom" && type != "close" &&
          type != "fstat")
        return;
      auto it = by_tid.find(e.tid());
      REQUIRE(it != by_tid.end());
      size_t& i = next[e.tid()];
      REQUIRE(i < it->second.size());
      const Enter& want = it->second[i++];
      INFO("tid " << e.tid() << " " << type << " #" << i);
      CHECK(want.type == type);
      CHECK(std::to_string(e.param("fd").as_i64()) == want.fd);
      if (want.size != "-") CHECK(std::to_string(e.param("size").as_u64()) == want.size);
      ++checked;
    });
    CHECK(p.last == NextStatus::EndOfStream);
    size_t expected = 0;
    for (const auto& [tid, list] : by_tid) expected += list.size();
    CHECK(checked == expected);
  }
}

TEST_CASE("Container JSON events of 2022 captures become large-payload container events, JSON unchanged") {
  for (const char* name : {"psp_privileged.scap", "open-multiple-files.scap"}) {
    INFO(name);
    std::vector<std::string> raw_json, normalized_json;
    read_capture(name, ReadMode::Raw, [&](const EventView& e) {
      if (e.type() == 272) raw_json.emplace_back(e.param(0).as_string());
    });
    read_capture(name, ReadMode::Normalized, [&](const EventView& e) {
      REQUIRE(e.type() != 272);
      if (e.type() == 324) {
        CHECK(e.nparams() == 1);
        normalized_json.emplace_back(e.param(0).as_string());
      }
    });
    REQUIRE_FALSE(raw_json.empty());
    CHECK(normalized_json == raw_json);
    CHECK(raw_json[0].find("\"container\"") != std::string::npos);
  }
}
