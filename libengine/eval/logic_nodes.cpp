// Boolean structure of a compiled filter: and/or (short-circuit, cheapest first), not, constants
// and the event-type bit test.
#include <algorithm>

#include "eval/filter.h"
#include "vigil/inspect/inspector.h"

namespace vigil::engine::eval {
namespace {

void sort_by_cost(std::vector<FilterPtr>& v) {
  std::stable_sort(v.begin(), v.end(), [](const FilterPtr& a, const FilterPtr& b) { return a->cost() < b->cost(); });
}

int sum_cost(const std::vector<FilterPtr>& v) {
  int c = 0;
  for (auto& n : v) c += n->cost();
  return std::min(c, 1 << 20);
}

class AndNode final : public FilterNode {
 public:
  explicit AndNode(std::vector<FilterPtr> c) : children_(std::move(c)) {
    sort_by_cost(children_);
    cost_ = sum_cost(children_);
  }
  bool eval(const EvalInput& in) const override {
    for (auto& c : children_)
      if (!c->eval(in)) return false;
    return true;
  }
  int cost() const override { return cost_; }

 private:
  std::vector<FilterPtr> children_;
  int cost_;
};

class OrNode final : public FilterNode {
 public:
  explicit OrNode(std::vector<FilterPtr> c) : children_(std::move(c)) {
    sort_by_cost(children_);
    cost_ = sum_cost(children_);
  }
  bool eval(const EvalInput& in) const override {
    for (auto& c : children_)
      if (c->eval(in)) return true;
    return false;
  }
  int cost() const override { return cost_; }

 private:
  std::vector<FilterPtr> children_;
  int cost_;
};

class NotNode final : public FilterNode {
 public:
  explicit NotNode(FilterPtr c) : child_(std::move(c)) {}
  bool eval(const EvalInput& in) const override { return !child_->eval(in); }
  int cost() const override { return child_->cost(); }

 private:
  FilterPtr child_;
};

class ConstNode final : public FilterNode {
 public:
  explicit ConstNode(bool v) : v_(v) {}
  bool eval(const EvalInput&) const override { return v_; }
  int cost() const override { return 0; }

 private:
  bool v_;
};

class EventTypeNode final : public FilterNode {
 public:
  explicit EventTypeNode(const EventCodeSet& s) : set_(s) {}
  bool eval(const EvalInput& in) const override { return in.event_type < kMaxEventCodes && set_.test(in.event_type); }
  int cost() const override { return 1; }

 private:
  EventCodeSet set_;
};

// Generic syscall events (ids 0 and 1) carry the syscall as a ppm_sc code in parameter 0.
class SyscallTypeNode final : public FilterNode {
 public:
  SyscallTypeNode(const EventCodeSet& s, const std::bitset<1024>& sc) : set_(s), syscalls_(sc) {}
  bool eval(const EvalInput& in) const override {
    if (in.event_type < kMaxEventCodes && set_.test(in.event_type)) return true;
    if (in.event_type > 1 || in.ctx == nullptr) return false;
    uint64_t code = in.ctx->event().param(0).as_u64();
    return code < syscalls_.size() && syscalls_.test(code);
  }
  int cost() const override { return 2; }

 private:
  EventCodeSet set_;
  std::bitset<1024> syscalls_;
};

}  // namespace

FilterPtr make_event_type_test(const EventCodeSet& s, const std::bitset<1024>& sc) {
  return std::make_unique<SyscallTypeNode>(s, sc);
}

FilterPtr make_and(std::vector<FilterPtr> c) { return std::make_unique<AndNode>(std::move(c)); }
FilterPtr make_or(std::vector<FilterPtr> c) { return std::make_unique<OrNode>(std::move(c)); }
FilterPtr make_not(FilterPtr c) { return std::make_unique<NotNode>(std::move(c)); }
FilterPtr make_const(bool v) { return std::make_unique<ConstNode>(v); }
FilterPtr make_event_type_test(const EventCodeSet& s) { return std::make_unique<EventTypeNode>(s); }

}  // namespace vigil::engine::eval
