// ConfigWatcher over inotify: one watch per directory, events filtered by file name.
#include "vigil/engine/config_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vigil::engine {

namespace {

namespace fs = std::filesystem;

constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF;

bool is_yaml(std::string_view name) {
  return name.ends_with(".yaml") || name.ends_with(".yml");
}

}  // namespace

ConfigWatcher::~ConfigWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

Status ConfigWatcher::watch(const std::vector<std::string>& paths) {
  if (fd_ >= 0) ::close(fd_);
  targets_.clear();
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return Error{std::string("cannot watch configuration files: inotify: ") + std::strerror(errno)};
  for (const std::string& p : paths) {
    std::error_code ec;
    Target t;
    if (fs::is_directory(p, ec)) {
      t.dir = p;
    } else {
      const fs::path path = fs::absolute(p, ec);
      t.dir = path.parent_path().string();
      t.name = path.filename().string();
    }
    t.wd = ::inotify_add_watch(fd_, t.dir.c_str(), kMask);
    if (t.wd < 0) return Error{std::string("cannot watch: ") + std::strerror(errno), t.dir};
    targets_.push_back(std::move(t));
  }
  return {};
}

bool ConfigWatcher::changed() {
  if (fd_ < 0) return false;
  bool any = false;
  alignas(struct inotify_event) char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const struct inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
      const std::string_view name = ev->len != 0 ? std::string_view(ev->name) : std::string_view();
      for (const Target& t : targets_) {
        if (t.wd != ev->wd) continue;
        // The directory itself went away or moved: whatever it held changed.
        if ((ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) != 0) any = true;
        else if (t.name.empty() ? is_yaml(name) : name == t.name) any = true;
      }
    }
  }
  return any;
}

}  // namespace vigil::engine
