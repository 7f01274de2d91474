// vigil_fuzz_corpus TARGET DIR: writes TARGET's seed corpus (from the shared captures) into DIR.
#include <cstdio>
#include <filesystem>
#include <string>

#include "fuzz_io.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s TARGET DIR\n", argv[0]);
    return 2;
  }
  const auto seeds = vigil::fuzz::seed_corpus(argv[1], VIGIL_SHARED_DIR "/captures");
  std::filesystem::create_directories(argv[2]);
  for (size_t i = 0; i < seeds.size(); ++i) {
    vigil::fuzz::write_file(std::string(argv[2]) + "/seed-" + std::to_string(i), seeds[i].data(), seeds[i].size());
  }
  std::printf("%zu seeds for %s\n", seeds.size(), argv[1]);
  return seeds.empty() ? 1 : 0;
}
