// Textual list substitution, rules-language.md §B.7. Happens before parsing, exactly as Falco
// does it, because rules depend on its quirks (a list named like a macro shadows it, an empty
// list swallows an adjacent comma).
#pragma once

#include <string>
#include <vector>

namespace vigil::engine::condition {

struct ListText {
  const std::string* name;
  const std::vector<std::string>* items;
};

// Replaces, in order, every delimited occurrence of each list's name. `used[i]` is set when
// list i was substituted at least once.
std::string substitute_lists(const std::string& text, const std::vector<ListText>& lists, std::vector<bool>& used);

// Items joined with ", ", items with a space and no leading quote double-quoted.
std::string join_list_items(const std::vector<std::string>& items);

}  // namespace vigil::engine::condition
