#include "test_paths.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace vigil::test {

std::string shared_dir() {
  if (const char* env = std::getenv("VIGIL_SHARED_DIR")) return env;
  return VIGIL_SHARED_DIR;
}
std::string shared_path(const std::string& rel) { return shared_dir() + "/" + rel; }
std::string capture_path(const std::string& name) { return shared_path("captures/" + name); }
std::string source_path(const std::string& rel) { return std::string(VIGIL_SOURCE_DIR) + "/" + rel; }
std::string binary_path(const std::string& rel) { return std::string(VIGIL_BINARY_DIR) + "/" + rel; }

namespace {
struct TempRoot {
  std::filesystem::path path;
  TempRoot() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempRoot() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};
}  // namespace

std::string temp_dir() {
  static TempRoot root;
  static int counter = 0;
  auto dir = root.path / std::to_string(counter++);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace vigil::test
