#include "files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "scenario.h"

namespace vigil::scenarios {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

int UniqueFd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<TempDir> TempDir::create(const std::string& prefix) {
  const char* tmpdir = std::getenv("TMPDIR");
  return create_in(tmpdir && *tmpdir ? tmpdir : "/tmp", prefix);
}

Result<TempDir> TempDir::create_in(const std::string& parent, const std::string& prefix) {
  std::string path = parent + "/" + prefix + "-XXXXXX";
  if (!::mkdtemp(path.data())) return system_error("mkdtemp " + path);
  return TempDir(std::move(path));
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CreatedFile::~CreatedFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status CreatedFile::remove() {
  if (path_.empty()) return {};
  const std::string path = std::move(path_);
  path_.clear();
  if (::unlink(path.c_str()) != 0) return system_error("unlink " + path);
  return {};
}

Status write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return system_error("write " + what);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<CreatedFile> create_unique_file(const std::string& path_template, std::string_view content,
                                       mode_t mode) {
  std::string path = path_template;
  UniqueFd fd(::mkstemp(path.data()));
  if (!fd.valid()) return system_error("create " + path_template);
  CreatedFile file(path);
  if (::fchmod(fd.get(), mode) != 0) return system_error("chmod " + path);
  if (Status s = write_all(fd.get(), content, path); !s) return s.error();
  return file;
}

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return system_error("open " + path + " for reading");
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("read " + path);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status write_new_file(const std::string& path, std::string_view content, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd.valid()) return system_error("create " + path);
  if (Status s = write_all(fd.get(), content, path); !s) return s;
  // The umask may have narrowed the mode; scenarios rely on the exact one (e.g. 0755 to run).
  if (::fchmod(fd.get(), mode) != 0) return system_error("chmod " + path);
  return {};
}

Status copy_file(const std::string& from, const std::string& to, mode_t mode) {
  Result<std::string> content = read_file(from);
  if (!content) return content.error();
  return write_new_file(to, *content, mode);
}

Result<struct stat> stat_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return system_error("stat " + path);
  return st;
}

}  // namespace vigil::scenarios
