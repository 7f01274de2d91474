// Tells an Inspector which values the enabled rules of an Engine compare its fields with, for the
// fields that cannot find those values in the events themselves:
//   fd.sip.name, fd.cip.name, fd.lip.name, fd.rip.name  ->  Inspector::watch_hostname
//   fd.realpath (absolute paths)                         ->  Inspector::watch_path
// Falco resolves the host names its rules compare those fields with and tests a socket's address
// against their addresses; this is the step that gives vigil the same names. Watching the paths
// rules compare fd.realpath with lets a live inspector name those files from the open's device
// and inode, however they were reached (a symlink removed at once, a hard link, a bind mount).
//
//   engine.load_paths(...); select rules ...;
//   vigil::engine::register_compared_values(engine, inspector);  // again after every reload
//
// Detector does it by itself when DetectorOptions::inspector is set. Call it from the thread that
// uses the inspector (between events). Host names are additive: names of rules a reload removed
// stay watched, which costs a lookup every refresh and nothing per event. Watched paths are
// replaced: each call watches exactly the paths the current rules compare fd.realpath with.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "vigil/engine/engine.h"
#include "vigil/inspect/inspector.h"

namespace vigil::engine {

// The host-name fields whose compared literals are host names to resolve.
inline constexpr const char* kHostNameFields[] = {"fd.sip.name", "fd.cip.name", "fd.lip.name", "fd.rip.name"};
// The field whose compared absolute paths are watched files.
inline constexpr const char* kWatchedPathField = "fd.realpath";

struct RegisteredValues {
  size_t hostnames = 0;             // distinct names handed to watch_hostname (accepted or not)
  size_t paths = 0;                 // distinct paths handed to watch_path (accepted or not)
  std::vector<std::string> errors;  // one line per name or path the inspector refused
};

// The literals compared through =, !=, in and intersects in `engine`'s enabled rules (default
// ruleset). Strings that cannot be host names (empty, longer than 253 bytes, with a space or a
// '/') are left out, and so are fd.realpath literals that are not absolute paths.
RegisteredValues register_compared_values(const Engine& engine, inspect::Inspector& inspector);

}  // namespace vigil::engine
