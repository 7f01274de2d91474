#include "ruleset/ruleset.h"

#include <algorithm>

namespace vigil::engine::ruleset {

void Ruleset::reset(size_t n) {
  enabled_.assign(n, false);
  order_.clear();
  dirty_ = true;
}

bool Ruleset::set(uint32_t rule, bool enabled) {
  if (rule >= enabled_.size() || enabled_[rule] == enabled) return false;
  enabled_[rule] = enabled;
  if (enabled) order_.push_back(rule);
  else order_.erase(std::find(order_.begin(), order_.end(), rule));
  dirty_ = true;
  return true;
}

bool wildcard_match(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = ++pi;
      mark = ti;
    } else if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace vigil::engine::ruleset
