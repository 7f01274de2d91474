// Replays every fuzz target (tests/fuzz) over its seed corpus, built from the shared captures,
// and a fixed set of deterministic mutations, so every build exercises them without libFuzzer.
// A target that finds a problem aborts, which fails the test binary.
#include <catch2/catch.hpp>

#include <string>

#include "fuzz_io.h"
#include "test_paths.h"

namespace {

using vigil::fuzz::Bytes;

// Runs `name` over its seeds and their mutations; returns how many inputs ran.
size_t replay(const std::string& name, bool is_capture, size_t budget) {
  const auto seeds = vigil::fuzz::seed_corpus(name, vigil::test::shared_path("captures").c_str());
  REQUIRE(seeds.size() >= 3);
  auto entry = [&] {
    for (const auto& t : vigil::fuzz::targets()) {
      if (t.name == name) return t.entry;
    }
    FAIL("no fuzz target " << name);
    return vigil::fuzz::targets()[0].entry;
  }();
  size_t inputs = 0;
  auto run = [&](const Bytes& b) {
    entry(b.data(), b.size());
    ++inputs;
  };
  run(Bytes{});
  for (const Bytes& seed : seeds) {
    run(seed);
    vigil::fuzz::for_each_mutation(seed, is_capture, budget, run);
  }
  return inputs;
}

}  // namespace

TEST_CASE("Fuzz replay: the reader survives mutated plain captures in both modes", "[fuzz]") {
  CHECK(replay("scap_reader_plain", true, 8) > 200);
}

TEST_CASE("Fuzz replay: the reader survives mutated gzip-wrapped captures", "[fuzz]") {
  CHECK(replay("scap_reader_gzip", true, 4) > 50);
}

TEST_CASE("Fuzz replay: the converter survives mutated record sequences", "[fuzz]") {
  CHECK(replay("event_converter", false, 32) > 200);
}

TEST_CASE("Fuzz replay: formatting survives mutated parameters under every event id", "[fuzz]") {
  CHECK(replay("event_format", false, 1) > 50);
}

TEST_CASE("Fuzz replay: the metadata parser survives mutated metadata blocks", "[fuzz]") {
  CHECK(replay("metadata_block", false, 8) > 100);
}

TEST_CASE("Fuzz replay: whatever the reader accepts is written and read back in both formats", "[fuzz]") {
  CHECK(replay("scap_writer_roundtrip", true, 2) > 30);
}
