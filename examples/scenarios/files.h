// File-system pieces the scenarios share: an owned descriptor, a self-removing temporary
// directory, a file that unlinks itself, and whole-file read/write/copy.
//
// Not thread-safe; each object belongs to the scenario that made it.
#pragma once

#include <sys/stat.h>

#include <string>

#include "vigil/common/result.h"

namespace vigil::scenarios {

// Owns one file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();
  void reset();

 private:
  int fd_ = -1;
};

// A mode-0700 directory from mkdtemp below $TMPDIR (or /tmp), removed with its contents when the
// object dies.
class TempDir {
 public:
  static Result<TempDir> create(const std::string& prefix);
  // The same, directly below `parent` (used when the directory must share a file system).
  static Result<TempDir> create_in(const std::string& parent, const std::string& prefix);
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// A path this scenario created; unlinked when the object dies unless already removed.
class CreatedFile {
 public:
  explicit CreatedFile(std::string path) : path_(std::move(path)) {}
  CreatedFile(CreatedFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  CreatedFile& operator=(CreatedFile&&) = delete;
  CreatedFile(const CreatedFile&) = delete;
  ~CreatedFile();

  const std::string& path() const { return path_; }
  // Unlinks now, reporting failure (the destructor cannot).
  Status remove();

 private:
  std::string path_;
};

// Creates a unique file from a mkstemp template ("DIR/name-XXXXXX"), writes `content` and closes
// it. The returned object removes it again.
Result<CreatedFile> create_unique_file(const std::string& path_template, std::string_view content,
                                       mode_t mode = 0600);

Result<std::string> read_file(const std::string& path);
Status write_new_file(const std::string& path, std::string_view content, mode_t mode);
Status copy_file(const std::string& from, const std::string& to, mode_t mode);
Result<struct stat> stat_path(const std::string& path);
// Writes everything; `what` names the destination in the error.
Status write_all(int fd, std::string_view data, const std::string& what);

}  // namespace vigil::scenarios
