// ConfigWatcher: notices when configuration or rules files change (Falco's watch_config_files).
//
//   ConfigWatcher w;
//   w.watch(detector.watched_paths());
//   ... in the event loop, every few hundred milliseconds:
//   if (w.changed()) detector.reload();
//
// Files are watched through their directory (inotify), so an editor that writes a new file and
// renames it over the old one, or a `kubectl cp`-style replace, is seen like an in-place write.
// A watched directory (rules.d) reports any *.yaml / *.yml file written, moved or deleted in it.
// Only finished writes count (close after writing, rename, delete), not every write(2).
//
// Thread safety: one thread at a time. Owns one inotify descriptor, closed by the destructor.
#pragma once

#include <string>
#include <vector>

#include "vigil/common/result.h"

namespace vigil::engine {

class ConfigWatcher {
 public:
  ConfigWatcher() = default;
  ~ConfigWatcher();
  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

  // Replaces the watched set. Paths that do not exist yet are watched through their parent
  // directory, so creating them counts as a change. Errors name the path that cannot be watched.
  Status watch(const std::vector<std::string>& paths);
  // True when a watched file changed since the last call. Never blocks.
  bool changed();

 private:
  struct Target {
    int wd;
    std::string dir;
    std::string name;  // empty: any *.yaml / *.yml in dir
  };
  int fd_ = -1;
  std::vector<Target> targets_;
};

}  // namespace vigil::engine
