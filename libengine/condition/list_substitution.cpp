#include "condition/list_substitution.h"

namespace vigil::engine::condition {
namespace {

bool is_delim(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' || c == ')' || c == ',' || c == '=';
}
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string join_list_items(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    const std::string& it = items[i];
    bool quote = it.find(' ') != std::string::npos && !it.empty() && it[0] != '"' && it[0] != '\'';
    if (quote) out += '"' + it + '"';
    else out += it;
  }
  return out;
}

std::string substitute_lists(const std::string& text, const std::vector<ListText>& lists, std::vector<bool>& used) {
  std::string cur = text;
  used.assign(lists.size(), false);
  for (size_t li = 0; li < lists.size(); ++li) {
    const std::string& name = *lists[li].name;
    if (name.empty() || cur.find(name) == std::string::npos) continue;
    std::string replacement;
    bool empty = lists[li].items->empty();
    if (!empty) replacement = " " + join_list_items(*lists[li].items) + " ";
    else replacement = " ";
    std::string out;
    size_t pos = 0;
    bool changed = false;
    while (pos <= cur.size()) {
      size_t hit = cur.find(name, pos);
      if (hit == std::string::npos) break;
      size_t end = hit + name.size();
      bool left_ok = hit == 0 || is_delim(cur[hit - 1]);
      bool right_ok = end == cur.size() || is_delim(cur[end]);
      if (!left_ok || !right_ok) {
        out.append(cur, pos, hit + 1 - pos);
        pos = hit + 1;
        continue;
      }
      // Swallow surrounding whitespace (not what was already emitted before `pos`).
      size_t b = hit;
      while (b > pos && is_blank(cur[b - 1])) --b;
      size_t e = end;
      while (e < cur.size() && is_blank(cur[e])) ++e;
      out.append(cur, pos, b - pos);
      if (empty) {
        // Remove one adjacent comma, the left one preferred.
        size_t ob = out.size();
        while (ob > 0 && is_blank(out[ob - 1])) --ob;
        if (ob > 0 && out[ob - 1] == ',') {
          out.erase(ob - 1);
        } else if (e < cur.size() && cur[e] == ',') {
          ++e;
        }
      }
      out += replacement;
      pos = e;
      changed = true;
    }
    if (!changed) continue;
    out.append(cur, std::min(pos, cur.size()), std::string::npos);
    cur = std::move(out);
    used[li] = true;
  }
  return cur;
}

}  // namespace vigil::engine::condition
