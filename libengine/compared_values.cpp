// register_compared_values: the engine's compared host names and paths to the inspector.
#include "vigil/engine/compared_values.h"

#include <algorithm>
#include <set>

namespace vigil::engine {

namespace {

bool could_be_host_name(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  return std::none_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '/' || c == '\n'; });
}

}  // namespace

RegisteredValues register_compared_values(const Engine& engine, inspect::Inspector& inspector) {
  RegisteredValues out;
  std::set<std::string> names;  // a name compared with several fields is watched once
  for (const char* field : kHostNameFields)
    for (std::string& n : engine.compared_strings(field))
      if (could_be_host_name(n)) names.insert(std::move(n));
  for (const std::string& n : names) {
    ++out.hostnames;
    if (Status st = inspector.watch_hostname(n); !st.ok()) out.errors.push_back(st.error().message);
  }
  inspector.clear_watched_paths();
  for (const std::string& p : engine.compared_strings(kWatchedPathField)) {
    if (p.empty() || p.front() != '/') continue;
    ++out.paths;
    if (Status st = inspector.watch_path(p); !st.ok()) out.errors.push_back(st.error().message);
  }
  return out;
}

}  // namespace vigil::engine
