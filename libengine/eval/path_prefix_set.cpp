#include "eval/path_prefix_set.h"

#include "eval/matcher.h"

namespace vigil::engine::eval {
namespace {

// Next non-empty component of `s`, advancing it.
bool next_component(std::string_view& s, std::string_view& comp) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  if (s.empty()) return false;
  size_t p = s.find('/');
  comp = s.substr(0, p);
  s = p == std::string_view::npos ? std::string_view() : s.substr(p);
  return true;
}

}  // namespace

void PathPrefixSet::add(std::string_view path) {
  Node* n = &root_;
  std::string_view comp;
  while (next_component(path, comp)) {
    bool glob = comp.find_first_of("*?[") != std::string_view::npos;
    if (glob) {
      Node* found = nullptr;
      for (auto& [pat, child] : n->globs)
        if (pat == comp) found = child.get();
      if (!found) {
        n->globs.emplace_back(std::string(comp), std::make_unique<Node>());
        found = n->globs.back().second.get();
      }
      n = found;
    } else {
      auto& child = n->exact[std::string(comp)];
      if (!child) child = std::make_unique<Node>();
      n = child.get();
    }
  }
  n->terminal = true;
}

bool PathPrefixSet::walk(const Node& n, std::string_view rest) const {
  if (n.terminal) return true;
  std::string_view comp;
  if (!next_component(rest, comp)) return false;
  if (!n.exact.empty()) {
    auto it = n.exact.find(comp);
    if (it != n.exact.end() && walk(*it->second, rest)) return true;
  }
  for (auto& [pat, child] : n.globs) {
    if (glob_match(pat, comp, false) && walk(*child, rest)) return true;
  }
  return false;
}

bool PathPrefixSet::matches(std::string_view value) const { return walk(root_, value); }

}  // namespace vigil::engine::eval
