// The conversion table against the schemas: every rule is well formed, every 2022 layout has a
// way to the newest schema (scap-format.md §15 "a machine check ... found no 2022 layout without
// a rule"), and the table notation reports its own mistakes.
#include <catch2/catch.hpp>

#include <string>

#include "event_converter_support.h"
#include "scap/conversion_table.h"
#include "scap/event_converter.h"

using namespace vigil::capture;
using namespace vigil::capture::detail;
using vigil::test::Bytes;

TEST_CASE("The built-in conversion table parses and holds the libs' 253 rules") {
  const ConversionTable& t = ConversionTable::builtin();
  CHECK(t.error() == "");
  CHECK(t.rules().size() == 253);
  const ConversionRule* read_x = t.find(7, 2);
  REQUIRE(read_x != nullptr);
  CHECK(read_x->action == ConversionAction::AddParams);
  REQUIRE(read_x->recipes.size() == 2);
  CHECK(read_x->recipes[0].source == ParamSource::Enter);
  CHECK(read_x->recipes[1].index == 1);
  CHECK(t.find(7, 3) == nullptr);
  CHECK(t.find(60000, 0) == nullptr);
}

TEST_CASE("Every converter-managed id has a rule and every rule is for a converter-managed id") {
  const ConversionTable& t = ConversionTable::builtin();
  for (const EventInfo& e : EventSchema::newest().events()) {
    bool has_rule = false;
    for (const ConversionRule& r : t.rules()) has_rule |= r.type == e.id;
    INFO(e.enum_name);
    CHECK(has_rule == e.has(kConverterManaged));
  }
}

TEST_CASE("Every old exit id is converter-managed, so no old exit can pass unconverted") {
  for (const EventInfo& e : EventSchema::newest().events()) {
    if (e.direction == Direction::Exit && e.has(kOldVersion)) {
      INFO(e.enum_name);
      CHECK(e.has(kConverterManaged));
    }
  }
}

TEST_CASE("Rules never take a parameter the converted event lacks or build more than the table lists") {
  for (const ConversionRule& r : ConversionTable::builtin().rules()) {
    INFO(EventSchema::newest()[r.type].enum_name << " " << int(r.nparams));
    const bool add = r.action == ConversionAction::AddParams;
    if (!add && r.action != ConversionAction::ChangeType) {
      CHECK(r.recipes.empty());
      continue;
    }
    for (const ParamRecipe& p : r.recipes)
      if (p.source == ParamSource::Old) CHECK(p.index < r.nparams);
    const uint16_t target = add ? r.type : r.new_type;
    const size_t built = (add ? r.nparams : 0) + r.recipes.size();
    CHECK(built <= EventSchema::newest()[target].nparams());
  }
}

TEST_CASE("Every 2022 event layout converts to a current layout or is dropped, never fails") {
  const EventSchema& old = EventSchema::libs_0_29();
  const EventSchema& now = EventSchema::newest();
  size_t converted = 0;
  for (const EventInfo& e : old.events()) {
    if (e.id >= now.size()) continue;
    // Parameters of their fixed size, zero-filled; variable ones empty.
    std::vector<Bytes> params;
    for (const ParamInfo& p : e.params) params.emplace_back(fixed_param_size(p.type), 0);
    EventConverter c;
    Bytes rec = vigil::test::make_record(e.id, 1, params);
    std::span<const uint8_t> out;
    std::string message;
    INFO(e.enum_name << " with " << e.nparams() << " params");
    const EventConverter::Outcome o = c.convert(rec, out, message);
    INFO(message);
    REQUIRE(o != EventConverter::Outcome::Failed);
    if (o == EventConverter::Outcome::Drop) continue;
    const vigil::test::Decoded d = vigil::test::decode(o == EventConverter::Outcome::Converted ? out : rec);
    const EventInfo& result = now[d.view().type()];
    CHECK_FALSE(result.has(kUnused));
    if (result.direction == Direction::Exit) {
      CHECK_FALSE(result.has(kOldVersion));
      CHECK(d.view().nparams() == result.nparams());
    }
    converted += o == EventConverter::Outcome::Converted;
  }
  CHECK(converted > 100);
}

TEST_CASE("The table notation reports unknown events, actions and recipes with their line") {
  CHECK(ConversionTable("SYSCALL_READ_E 2 store\nNO_SUCH_EVENT 1 pass\n").error() ==
        "conversion table line 2: unknown event NO_SUCH_EVENT");
  CHECK(ConversionTable("SYSCALL_READ_X 2 frobnicate\n").error().find("line 1: unknown action") !=
        std::string::npos);
  CHECK(ConversionTable("SYSCALL_READ_X 2 add e0 q7\n").error().find("bad recipe q7") != std::string::npos);
  CHECK(ConversionTable("SYSCALL_READ_E 2 store e0\n").error().find("takes no recipes") != std::string::npos);
  CHECK(ConversionTable("SYSCALL_READ_E 2 store\nSYSCALL_READ_E 2 pass\n").error().find("duplicate") !=
        std::string::npos);
  const ConversionTable ok("# comment\n\nSYSCALL_READ_X 2 add o0..1 e0- d - json\n");
  REQUIRE(ok.error() == "");
  REQUIRE(ok.rules().size() == 1);
  const auto& r = ok.rules()[0].recipes;
  REQUIRE(r.size() == 6);
  CHECK(r[1].source == ParamSource::Old);
  CHECK(r[1].index == 1);
  CHECK(r[2].source == ParamSource::Enter);
  CHECK(r[2].empty_fallback);
  CHECK(r[3].source == ParamSource::Default);
  CHECK(r[4].source == ParamSource::Empty);
  CHECK(r[5].source == ParamSource::ContainerJson);
}
