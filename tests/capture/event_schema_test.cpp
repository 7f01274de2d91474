// The compiled schema must equal the reference TSVs row by row (scap-format.md §12-§13).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_paths.h"
#include "vigil/capture/event_schema.h"

using namespace vigil::capture;

namespace {

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    if (!line.empty() && line.back() == '\t') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) out.push_back(part);
  return out;
}

std::string print_format_name(PrintFormat f) {
  static const char* names[] = {"PF_NA", "PF_DEC", "PF_HEX", "PF_10_PADDED_DEC", "PF_ID", "PF_DIR", "PF_OCT"};
  return names[static_cast<int>(f)];
}

void compare_schema(const EventSchema& schema, const std::string& events_tsv, const std::string& flags_tsv) {
  const auto rows = read_tsv(vigil::test::shared_path("docs/" + events_tsv));
  REQUIRE(schema.size() == rows.size());
  for (const auto& row : rows) {
    const auto id = static_cast<uint16_t>(std::stoi(row[0]));
    INFO(events_tsv << " id " << id);
    const EventInfo& e = schema[id];
    CHECK(e.id == id);
    CHECK(e.enum_name == row[1]);
    CHECK(e.name == row[2]);
    CHECK((e.direction == Direction::Enter ? "E" : "X") == row[3]);
    CHECK(std::string(1, "EX"[id & 1]) == row[3]);
    CHECK(e.nparams() == std::stoul(row[6]));
    CHECK(e.has(kLargePayload) == (row[5].find("EF_LARGE_PAYLOAD") != std::string::npos));
    CHECK(e.has(kOldVersion) == (row[5].find("EF_OLD_VERSION") != std::string::npos));
    CHECK(e.has(kUnused) == (row[5].find("EF_UNUSED") != std::string::npos));
    CHECK(((e.category & kCatInternal) != 0) == (row[4].find("EC_INTERNAL") != std::string::npos));
    const auto params = split(row[7], ';');
    REQUIRE(params.size() == e.nparams());
    std::map<std::string, std::string> info;
    for (const auto& item : split(row.size() > 8 ? row[8] : "", ';')) {
      auto eq = item.find('=');
      info[item.substr(0, eq)] = item.substr(eq + 1);
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const auto parts = split(params[i], ':');
      REQUIRE(parts.size() == 3);
      const ParamInfo& p = e.params[i];
      CHECK(p.name == parts[0]);
      CHECK(param_type_name(p.type) == parts[1]);
      CHECK(print_format_name(p.format) == parts[2]);
      auto it = info.find(parts[0]);
      if (p.flag_table >= 0) {
        REQUIRE(it != info.end());
        CHECK(schema.flag_table(p.flag_table)->name == it->second);
      } else if (p.dirfd_param >= 0) {
        REQUIRE(it != info.end());
        CHECK(it->second == "dirfd_param[" + std::to_string(p.dirfd_param) + "]");
      } else if (!p.dyn.empty()) {
        REQUIRE(it != info.end());
        CHECK(it->second.find("ninfo=" + std::to_string(p.dyn.size()) + ":") != std::string::npos);
        for (size_t k = 0; k < p.dyn.size(); ++k)
          CHECK(it->second.find(std::to_string(k) + "=" + std::string(param_type_name(p.dyn[k].type)) + "/" +
                                print_format_name(p.dyn[k].format)) != std::string::npos);
      } else {
        CHECK(it == info.end());
      }
    }
  }

  const auto flag_rows = read_tsv(vigil::test::shared_path("docs/" + flags_tsv));
  std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> tables;
  for (const auto& r : flag_rows) tables[r[0]].emplace_back(r[1], std::stoull(r[2], nullptr, 0));
  REQUIRE(schema.flag_tables().size() == tables.size());
  for (const auto& [name, entries] : tables) {
    INFO(flags_tsv << " table " << name);
    const FlagTable* t = schema.flag_table(name);
    REQUIRE(t != nullptr);
    REQUIRE(t->entries.size() == entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      CHECK(t->entries[i].name == entries[i].first);
      CHECK(t->entries[i].value == entries[i].second);
    }
  }
}

}  // namespace

TEST_CASE("the newest compiled schema equals event-table.tsv and flag-tables.tsv row by row") {
  REQUIRE(EventSchema::newest().size() == 454);
  compare_schema(EventSchema::newest(), "event-table.tsv", "flag-tables.tsv");
}

TEST_CASE("the 2022 compiled schema equals event-table-0.29.tsv and flag-tables-0.29.tsv row by row") {
  REQUIRE(EventSchema::libs_0_29().size() == 336);
  compare_schema(EventSchema::libs_0_29(), "event-table-0.29.tsv", "flag-tables-0.29.tsv");
}

TEST_CASE("large-payload events are exactly pluginevent, container json 2 and asyncevent") {
  std::vector<uint16_t> large;
  for (const auto& e : EventSchema::newest().events())
    if (e.has(kLargePayload)) large.push_back(e.id);
  CHECK(large == std::vector<uint16_t>{322, 324, 402});
}
