// Lists longer than FieldValues' inline storage (16 values) are kept whole: getopt's argument
// list, its result and transformers over them used to lose values past the sixteenth silently.
#include <catch2/catch.hpp>

#include "support/tsv_field_registry.h"
#include "vigil/engine/filter.h"
#include "vigil/inspect/field.h"

using vigil::engine::Filter;
using vigil::test::FakeEvent;

namespace {

constexpr uint16_t kExecveExit = 293;

bool holds(const std::string& condition) {
  auto f = Filter::compile(condition, vigil::test::tsv_registry());
  INFO(condition << " -> " << (f ? std::string() : f.error().to_string()));
  REQUIRE(f.ok());
  FakeEvent ev;
  return f->matches(kExecveExit, ev.ctx());
}

// ("-a", "v0", "-b", "v1", ...) for the first `n` letters, and the optstring "a:b:...".
std::string valued_argv(size_t n, std::string& optstring) {
  std::string list = "(";
  for (size_t i = 0; i < n; ++i) {
    const char opt = static_cast<char>('a' + i);
    list += std::string(i ? ", " : "") + "\"-" + opt + "\", \"v" + std::to_string(i) + "\"";
    optstring += std::string(1, opt) + ":";
  }
  return list + ")";
}

}  // namespace

TEST_CASE("a FieldValues list grows past its inline storage, keeps every value in order and is reused after clear") {
  vigil::inspect::FieldValues values;
  for (uint64_t round = 0; round < 2; ++round) {
    values.clear();
    for (uint64_t i = 0; i < 40; ++i) values.add().u64 = i * 10 + round;
    REQUIRE(values.size() == 40);
    for (uint64_t i = 0; i < 40; ++i) CHECK(values[i].u64 == i * 10 + round);
    REQUIRE(values.values().size() == 40);
    CHECK(values.values()[39].u64 == 390 + round);
  }
  values.clear();
  values.add().u64 = 7;
  CHECK(values.size() == 1);
  CHECK(values[0].u64 == 7);
  CHECK(values.values()[0].u64 == 7);
}

TEST_CASE("getopt reads all twenty options of a twenty-entry argument list") {
  std::string optstring;
  const std::string argv = valued_argv(20, optstring);  // 40 words
  CHECK(holds("getopt(" + argv + ", \"" + optstring + "\")[a] = v0"));
  CHECK(holds("getopt(" + argv + ", \"" + optstring + "\")[q] = v16"));
  CHECK(holds("getopt(" + argv + ", \"" + optstring + "\")[t] = v19"));
  // The whole result: 20 options and their 20 values.
  CHECK(holds("len(getopt(" + argv + ", \"" + optstring + "\")) = 40"));
  CHECK(holds("getopt(" + argv + ", \"" + optstring + "\") intersects (v19)"));
  CHECK(holds("getopt(" + argv + ", \"" + optstring + "\") intersects (t)"));
}

TEST_CASE("getopt splits a cluster of twenty flags into twenty options") {
  const std::string flags = "abcdefghijklmnopqrst";
  CHECK(holds("len(getopt((\"-" + flags + "\"), \"" + flags + "\")) = 20"));
  CHECK(holds("getopt((\"-" + flags + "\"), \"" + flags + "\") intersects (s)"));
  CHECK(holds("getopt((\"-" + flags + "\"), \"" + flags + "\") intersects (t)"));
  // The last flag is not repeated over the sixteenth slot any more.
  CHECK_FALSE(holds("len(getopt((\"-" + flags + "\"), \"" + flags + "\")) = 16"));
}
