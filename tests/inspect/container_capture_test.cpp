// container.id and container.type of every thread in the shared captures agree with sysdig's,
// given the cgroups sysdig reports for the thread (thread.cgroups).
#include <cstdio>

#include <catch2/catch.hpp>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/inspect/container.h"

using namespace vigil::inspect;

namespace {

struct PipeCloser {
  void operator()(FILE* f) const { ::pclose(f); }
};

// Unique "container.id|container.type|thread.cgroups" lines of a capture, as sysdig prints them.
std::set<std::string> sysdig_container_lines(const std::string& capture) {
  std::string cmd = "sysdig -r '" + capture +
                    "' -p '%container.id|%container.type|%thread.cgroups' 2>/dev/null";
  std::unique_ptr<FILE, PipeCloser> pipe(::popen(cmd.c_str(), "r"));
  REQUIRE(pipe != nullptr);
  std::set<std::string> lines;
  std::string line;
  char buf[8192];
  while (std::fgets(buf, sizeof(buf), pipe.get()) != nullptr) {
    line += buf;
    if (line.back() != '\n') continue;
    line.pop_back();
    lines.insert(line);
    line.clear();
  }
  return lines;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

TEST_CASE("container ids from the shared captures' cgroups agree with sysdig") {
  // Captures with threads on the host and in a docker container.
  const char* captures[] = {"psp_write_tmp_test.scap", "cat_write.scap", "connect_localhost.scap",
                            "open-multiple-files.scap", "sample.scap", "test_ipv6_client.scap"};
  std::set<std::string> ids_seen;
  size_t cgroup_sets_checked = 0;
  for (const char* name : captures) {
    auto lines = sysdig_container_lines(vigil::test::capture_path(name));
    INFO(name);
    REQUIRE_FALSE(lines.empty());
    for (const std::string& line : lines) {
      auto fields = split(line, '|');
      // Events without a thread carry no cgroups.
      if (fields.size() != 3) continue;
      INFO(line);
      auto cgroups = split(fields[2], ' ');
      ContainerMatch m = container_from_cgroups(cgroups);
      CHECK(m.id == fields[0]);
      CHECK(container_type_name(m.type) == fields[1]);
      ids_seen.insert(m.id);
      ++cgroup_sets_checked;
    }
  }
  CHECK(ids_seen.count("host") == 1);
  CHECK(ids_seen.count("697956520d89") == 1);  // psp_write_tmp_test.scap's docker container
  CHECK(cgroup_sets_checked >= 12);  // distinct (id, type, cgroups) combinations
}

TEST_CASE("the process list of psp_write_tmp_test.scap puts one bash in a docker container") {
  auto reader = vigil::capture::ScapReader::open(vigil::test::capture_path("psp_write_tmp_test.scap"));
  REQUIRE(reader.ok());
  const auto& threads = (*reader)->metadata().threads;
  REQUIRE(threads.size() > 100);
  size_t in_container = 0, on_host = 0;
  for (const auto& t : threads) {
    ContainerMatch m = container_from_cgroups(t.cgroups);
    if (m.is_host()) {
      ++on_host;
      continue;
    }
    ++in_container;
    CHECK(t.tid == 25754);
    CHECK(t.comm == "bash");
    CHECK(t.vpid == 1);  // the container's init
    CHECK(m.id == "697956520d89");
    CHECK(m.full_id == "697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3");
    CHECK(m.type == ContainerType::Docker);
  }
  CHECK(in_container == 1);
  CHECK(on_host == threads.size() - 1);
}
