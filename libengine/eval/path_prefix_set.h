// PathPrefixSet: the `pmatch` operator (§B.4). Paths are split into '/'-separated components
// (empty components ignored) and stored in a trie; a value matches when some stored path is a
// component-wise prefix of it. Components may contain glob characters (`*?[`).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil::engine::eval {

class PathPrefixSet {
 public:
  void add(std::string_view path);
  bool matches(std::string_view value) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Node {
    bool terminal = false;
    std::unordered_map<std::string, std::unique_ptr<Node>, Hash, std::equal_to<>> exact;
    std::vector<std::pair<std::string, std::unique_ptr<Node>>> globs;
  };
  bool walk(const Node& n, std::string_view rest) const;
  Node root_;
};

}  // namespace vigil::engine::eval
