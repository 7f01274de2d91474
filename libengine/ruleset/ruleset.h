// Ruleset: which compiled rules are enabled, and the per-event-type buckets evaluation walks
// (rules-language.md §A.12, §C.1). Rules enabled later go to the end of their buckets.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "eval/filter.h"

namespace vigil::engine::ruleset {

class Ruleset {
 public:
  void reset(size_t rule_count);
  // Returns true when the state changed.
  bool set(uint32_t rule, bool enabled);
  bool enabled(uint32_t rule) const { return rule < enabled_.size() && enabled_[rule]; }
  const std::vector<uint32_t>& order() const { return order_; }

  // Rule ids to test for `code`, in enable order, restricted by `admit` (priority filter).
  template <typename CodeSetOf, typename Admit>
  const std::vector<uint32_t>& bucket(uint16_t code, const CodeSetOf& codes_of, const Admit& admit) {
    if (dirty_) rebuild(codes_of, admit);
    static const std::vector<uint32_t> kEmpty;
    return code < buckets_.size() ? buckets_[code] : kEmpty;
  }
  void invalidate() { dirty_ = true; }

 private:
  template <typename CodeSetOf, typename Admit>
  void rebuild(const CodeSetOf& codes_of, const Admit& admit) {
    buckets_.assign(eval::kMaxEventCodes, {});
    for (uint32_t id : order_) {
      if (!admit(id)) continue;
      const eval::EventCodeSet& s = codes_of(id);
      for (size_t c = 0; c < eval::kMaxEventCodes; ++c)
        if (s.test(c)) buckets_[c].push_back(id);
    }
    dirty_ = false;
  }

  std::vector<bool> enabled_;
  std::vector<uint32_t> order_;
  std::vector<std::vector<uint32_t>> buckets_;
  bool dirty_ = true;
};

// Falco's wildcard match: only `*` is special and matches any run, including empty.
bool wildcard_match(std::string_view pattern, std::string_view text);

}  // namespace vigil::engine::ruleset
