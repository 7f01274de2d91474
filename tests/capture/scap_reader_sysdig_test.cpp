// Differential test against the oracle: for every shared capture sysdig 0.29.3 can open, every
// event `sysdig -D -r F` prints must be the raw-mode event with the same number, timestamp, cpu,
// thread, direction and (2022) type name, and every event sysdig does not print must be one
// that scap-format.md §17 says it hides.
#include <catch2/catch.hpp>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "scap_reader_test_files.h"
#include "vigil/capture/event_schema.h"

using namespace vigil;
using namespace vigil::capture;

namespace {

struct SysdigLine {
  uint64_t num = 0;
  uint64_t ts = 0;
  uint16_t cpu = 0;
  int64_t tid = 0;
  std::string dir;
  std::string type;
};

std::vector<SysdigLine> run_sysdig(const std::string& path) {
  const std::string cmd = "sysdig -D -r '" + path +
                          "' -p '%evt.num %evt.rawtime %evt.cpu %thread.tid %evt.dir %evt.type' 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::vector<SysdigLine> out;
  char line[4096];
  while (fgets(line, sizeof line, p)) {
    std::istringstream in(line);
    SysdigLine l;
    if (in >> l.num >> l.ts >> l.cpu >> l.tid >> l.dir >> l.type) out.push_back(l);
  }
  REQUIRE(pclose(p) == 0);
  return out;
}

// Container events sysdig consumes before the first other event (§17.2).
bool is_container_event(uint16_t type) { return type == 228 || type == 272 || type == 324; }

}  // namespace

TEST_CASE("every event sysdig 0.29.3 prints matches the raw event with the same number") {
  const EventSchema& schema_2022 = EventSchema::libs_0_29();
  for (const char* name : {"cat_write.scap", "connect_localhost.scap", "empty.scap", "open-multiple-files.scap",
                           "ping_sendto.scap", "psp_privileged.scap", "psp_write_tmp_test.scap", "sample.scap",
                           "single_ipv6_conn.scap", "syscall.scap", "test_ipv6_client.scap"}) {
    INFO(name);
    const std::string path = vigil::test::capture_path(name);
    const auto sysdig = run_sysdig(path);
    REQUIRE(!sysdig.empty());
    const auto ours = vigil::test::read_all(path, ReadMode::Raw);
    REQUIRE(ours.last == NextStatus::EndOfStream);

    // sysdig numbers only the ids its 2022 table knows (§17.3).
    std::vector<const vigil::test::SeenEvent*> by_2022_num;
    for (const auto& e : ours.events)
      if (e.type < schema_2022.size()) by_2022_num.push_back(&e);

    std::vector<bool> printed(by_2022_num.size(), false);
    size_t mismatches = 0;
    for (const auto& l : sysdig) {
      REQUIRE(l.num >= 1);
      REQUIRE(l.num <= by_2022_num.size());
      const auto& e = *by_2022_num[l.num - 1];
      printed[l.num - 1] = true;
      const bool generic = e.type <= 1;  // sysdig prints the resolved syscall name (§17.6)
      const bool same = e.ts == l.ts && e.cpu == l.cpu && e.tid == l.tid &&
                        l.dir == ((e.type & 1) ? "<" : ">") &&
                        (generic || schema_2022[e.type].name == l.type);
      if (!same && mismatches++ < 5) {
        UNSCOPED_INFO("event " << l.num << ": sysdig " << l.ts << " " << l.cpu << " " << l.tid << " " << l.dir << " "
                               << l.type << ", vigil " << e.ts << " " << e.cpu << " " << e.tid << " type " << e.type);
      }
    }
    CHECK(mismatches == 0);

    // What sysdig did not print: leading container events and STATE_ONLY events, nothing else.
    bool leading = true;
    for (size_t i = 0; i < printed.size(); ++i) {
      const auto& e = *by_2022_num[i];
      if (!is_container_event(e.type)) leading = false;
      if (printed[i]) continue;
      INFO("unprinted event " << i + 1 << " type " << e.type);
      CHECK(((leading && is_container_event(e.type)) || (e.dump_flags & kDumpStateOnly)));
    }
  }
}
