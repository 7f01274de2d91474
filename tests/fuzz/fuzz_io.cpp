#include "fuzz_io.h"

#include "scap_bytes.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace vigil::fuzz {

std::string scratch_path(const char* name) {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string d = std::string(tmp && *tmp ? tmp : "/tmp") + "/vigil-fuzz-" + std::to_string(getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir + "/" + name;
}

void write_file(const std::string& path, const uint8_t* data, size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) violation("cannot write scratch file " + path);
  if (size && std::fwrite(data, 1, size, f) != size) violation("short write to " + path);
  std::fclose(f);
}

Bytes gzip(const uint8_t* data, size_t size) {
  Bytes out = test::gzip(data, size, 1);  // fastest level: the fuzzer compresses every input
  if (out.empty()) violation("deflate failed");
  return out;
}

std::vector<size_t> block_offsets(const Bytes& capture) {
  std::vector<size_t> offsets;
  size_t off = 0;
  while (off + 12 <= capture.size()) {
    offsets.push_back(off);
    uint32_t len;
    std::memcpy(&len, capture.data() + off + 4, 4);
    if (len < 12 || len % 4 != 0 || len > capture.size() - off) break;
    off += len;
  }
  if (offsets.empty() || offsets.back() != off) offsets.push_back(off);
  return offsets;
}

void violation(const std::string& what) {
  std::fprintf(stderr, "vigil fuzz: %s\n", what.c_str());
  std::abort();
}

}  // namespace vigil::fuzz
