// MacroExpander: replaces every macro reference by a copy of the macro's (expanded) tree
// (rules-language.md §B.8, §A.9 visibility). Expanded bodies are memoized; cycles and trees that
// grow past a node budget are errors, so hostile macro graphs cost bounded time and memory.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "condition/ast.h"

namespace vigil::engine::condition {

struct MacroSource {
  const Expr* ast = nullptr;  // parsed body (after list substitution); nullptr if it did not parse
  uint64_t first_seq = 0;     // load sequence of the first definition
  uint64_t last_seq = 0;      // load sequence of the latest definition or append
  bool used = false;          // set when referenced
};

struct ExpandError {
  std::string message;
  uint32_t offset = 0;
  std::string macro;  // the macro whose body holds the fault, empty for the rule itself
};

inline constexpr size_t kMaxExpandedNodes = 1'000'000;

class MacroExpander {
 public:
  explicit MacroExpander(std::unordered_map<std::string, MacroSource>& macros) : macros_(macros) {}

  // Expands a rule condition: every macro is visible.
  bool expand_rule(Expr& e, ExpandError& err);
  // Expands macro `name`'s body with its visibility; the result is cached.
  const Expr* expand_macro(const std::string& name, ExpandError& err);

 private:
  bool expand(Expr& e, uint64_t visible_before, ExpandError& err, size_t& budget);
  static size_t count_nodes(const Expr& e);

  std::unordered_map<std::string, MacroSource>& macros_;
  std::unordered_map<std::string, Expr> done_;
  std::unordered_map<std::string, size_t> sizes_;
  std::vector<std::string> stack_;
};

}  // namespace vigil::engine::condition
