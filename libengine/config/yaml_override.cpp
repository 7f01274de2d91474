#include "config/yaml_override.h"

#include <cctype>
#include <vector>

namespace vigil::engine::config {

namespace {

struct Segment {
  bool is_index = false;
  bool append = false;  // "[]": a new item at the end of the list (Falco's -o a[]=x)
  std::string key;
  size_t index = 0;
};

Result<std::vector<Segment>> parse_key(std::string_view key, const std::string& option) {
  std::vector<Segment> out;
  size_t i = 0;
  auto bad = [&](const std::string& why) { return Error{"invalid -o key: " + why, "-o " + option}; };
  while (i < key.size()) {
    size_t start = i;
    while (i < key.size() && key[i] != '.' && key[i] != '[') ++i;
    if (i == start) return bad("empty name in '" + std::string(key) + "'");
    out.push_back({false, false, std::string(key.substr(start, i - start)), 0});
    while (i < key.size() && key[i] == '[') {
      size_t close = key.find(']', i);
      if (close == std::string_view::npos) return bad("missing ']'");
      std::string_view digits = key.substr(i + 1, close - i - 1);
      if (digits.empty()) {
        out.push_back({true, true, {}, 0});
        i = close + 1;
        continue;
      }
      if (digits.size() > 9) return bad("bad index");
      size_t n = 0;
      for (char c : digits) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return bad("bad index '" + std::string(digits) + "'");
        n = n * 10 + static_cast<size_t>(c - '0');
      }
      out.push_back({true, false, {}, n});
      i = close + 1;
    }
    if (i < key.size()) {
      if (key[i] != '.') return bad("unexpected '" + std::string(1, key[i]) + "'");
      ++i;
      if (i == key.size()) return bad("trailing '.'");
    }
  }
  if (out.empty()) return bad("empty key");
  return out;
}

// Returns `node` with the value at segs[i..] replaced, creating containers on the way.
// An appending segment gets its index here, so the normalised path names the new item.
Result<YAML::Node> with_value(YAML::Node node, std::vector<Segment>& segs, size_t i, const YAML::Node& value,
                              const std::string& option) {
  if (i == segs.size()) return value;
  Segment& seg = segs[i];
  if (!seg.is_index) {
    YAML::Node map = node.IsDefined() && node.IsMap() ? node : YAML::Node(YAML::NodeType::Map);
    const YAML::Node& cmap = map;
    YAML::Node child = cmap[seg.key];
    auto sub = with_value(child.IsDefined() ? child : YAML::Node(), segs, i + 1, value, option);
    if (!sub.ok()) return sub.error();
    map[seg.key] = *sub;
    return map;
  }
  YAML::Node seq = node.IsDefined() && node.IsSequence() ? node : YAML::Node(YAML::NodeType::Sequence);
  if (seg.append) seg.index = seq.size();
  if (seg.index > seq.size()) {
    return Error{"index " + std::to_string(seg.index) + " is past the end of a list of " +
                     std::to_string(seq.size()),
                 "-o " + option};
  }
  YAML::Node existing = seg.index < seq.size() ? YAML::Node(seq[seg.index]) : YAML::Node();
  auto sub = with_value(existing, segs, i + 1, value, option);
  if (!sub.ok()) return sub.error();
  if (seg.index < seq.size()) {
    seq[seg.index] = *sub;
  } else {
    seq.push_back(*sub);
  }
  return seq;
}

}  // namespace

Status apply_override(YAML::Node& root, std::string_view option, std::string& path) {
  std::string opt(option);
  size_t eq = option.find('=');
  if (eq == std::string_view::npos) return Error{"expected key=value", "-o " + opt};
  auto segs = parse_key(option.substr(0, eq), opt);
  if (!segs.ok()) return segs.error();
  YAML::Node value;
  try {
    value = YAML::Load(std::string(option.substr(eq + 1)));
  } catch (const YAML::Exception& e) {
    return Error{"invalid value: " + e.msg, "-o " + opt};
  }
  auto updated = with_value(root, *segs, 0, value, opt);
  if (!updated.ok()) return updated.error();
  root = *updated;
  path.clear();
  for (auto& s : *segs) {
    if (s.is_index) {
      path += '[' + std::to_string(s.index) + ']';
    } else {
      if (!path.empty()) path += '.';
      path += s.key;
    }
  }
  return {};
}

}  // namespace vigil::engine::config
