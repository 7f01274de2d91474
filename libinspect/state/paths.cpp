#include <string>
#include <string_view>

#include "state/inspector_impl.h"

namespace vigil::inspect {

void resolve_path(std::string_view base, std::string_view path, std::string& out) {
  out.clear();
  if (path.empty() || path.front() != '/') {
    out.assign(base);
    if (out.empty() || out.back() != '/') out += '/';
  }
  out.append(path);
  // Normalize in place: collapse "//", drop "/./", resolve "/../" (never above the root).
  std::string& s = out;
  size_t w = 0;
  const size_t n = s.size();
  for (size_t r = 0; r < n;) {
    if (s[r] == '/') {
      if (w > 0 && s[w - 1] == '/') {
        ++r;
        continue;
      }
      s[w++] = s[r++];
      continue;
    }
    size_t end = s.find('/', r);
    if (end == std::string::npos) end = n;
    const std::string_view part(s.data() + r, end - r);
    const bool at_segment_start = w == 0 || s[w - 1] == '/';
    if (at_segment_start && part == ".") {
      r = end + (end < n ? 1 : 0);
      continue;
    }
    if (at_segment_start && part == ".." && w > 0 && s[0] == '/') {
      // Back up over the previous segment.
      if (w > 1) {
        size_t prev = s.rfind('/', w - 2);
        w = prev == std::string::npos ? 1 : prev + 1;
      }
      r = end + (end < n ? 1 : 0);
      continue;
    }
    for (size_t i = r; i < end; ++i) s[w++] = s[i];
    r = end;
  }
  s.resize(w);
  if (s.size() > 1 && s.back() == '/' && !path.empty() && path.back() != '/') s.pop_back();
}

}  // namespace vigil::inspect
