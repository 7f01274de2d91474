// The getopt(argv, optstring) transformer (rules-language.md §B.11). Options are scanned the way
// GNU getopt(3) does without long options: non-option words are skipped and scanning goes on
// after them (options may follow positionals), "--" ends the options, "-" is a positional,
// clustered flags ("-ve") are split, and an option that takes a value uses the rest of its word
// or else the next word, whatever it looks like. Unknown option characters are ignored.
// Neither the argument list nor the result has a length limit: FieldValues grows past its inline
// storage (keeping the buffer for the next event), so long command lines lose no option.
#include <array>

#include "eval/value_source.h"

namespace vigil::engine::eval {
namespace {

using inspect::FieldType;
using inspect::FieldValue;
using inspect::FieldValues;

// One-character strings for every byte: the option names of the result point here, so building
// a result never allocates.
constexpr std::array<char, 256> kByteChars = [] {
  std::array<char, 256> a{};
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(i);
  return a;
}();

std::string_view char_view(unsigned char c) { return {&kByteChars[c], 1}; }

// What each option character of an optstring means.
struct OptionTable {
  enum : uint8_t { kUnknown = 0, kFlag, kValue, kOptionalValue };
  std::array<uint8_t, 256> kind{};
  bool stop_at_positional = false;  // leading '+': POSIX mode, options end at the first positional

  explicit OptionTable(std::string_view spec) {
    size_t i = 0;
    while (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ':')) {
      if (spec[i] == '+') stop_at_positional = true;
      ++i;
    }
    for (; i < spec.size(); ++i) {
      const auto c = static_cast<unsigned char>(spec[i]);
      if (c == ':') continue;
      uint8_t k = kFlag;
      if (i + 1 < spec.size() && spec[i + 1] == ':') k = (i + 2 < spec.size() && spec[i + 2] == ':') ? kOptionalValue : kValue;
      kind[c] = k;
    }
  }
};

class GetOptSource final : public ValueSource {
 public:
  GetOptSource(SourcePtr argv, SourcePtr optstring, std::optional<char> selector)
      : argv_(std::move(argv)), optstring_(std::move(optstring)), selector_(selector) {}

  bool get(const EvalInput& in, const FieldValues*& out) const override {
    const FieldValues* argv;
    const FieldValues* spec;
    if (!optstring_->get(in, spec) || spec->empty()) return false;
    if (!argv_->get(in, argv)) return false;
    const OptionTable table((*spec)[0].str);
    values_.clear();
    bool found = false;
    std::string_view last;
    auto emit = [&](unsigned char c, const std::string_view* value) {
      if (selector_) {
        if (c != static_cast<unsigned char>(*selector_)) return;
        found = true;
        last = value ? *value : std::string_view();
        return;
      }
      add(char_view(c));
      if (value) add(*value);
    };
    const size_t n = argv->size();
    for (size_t i = 0; i < n; ++i) {
      const std::string_view word = (*argv)[i].str;
      if (word == "--") break;
      if (word.size() < 2 || word[0] != '-') {
        if (table.stop_at_positional) break;
        continue;
      }
      if (word[1] == '-') continue;  // a long option: not described by an optstring
      for (size_t j = 1; j < word.size(); ++j) {
        const auto c = static_cast<unsigned char>(word[j]);
        const uint8_t k = table.kind[c];
        if (k == OptionTable::kUnknown) continue;
        if (k == OptionTable::kFlag) {
          emit(c, nullptr);
          continue;
        }
        std::string_view value;
        if (j + 1 < word.size()) value = word.substr(j + 1);
        else if (k == OptionTable::kValue && i + 1 < n) value = (*argv)[++i].str;
        emit(c, &value);
        break;
      }
    }
    if (selector_) {
      if (!found) return false;
      add(last);
    }
    if (values_.empty()) return false;
    out = &values_;
    return true;
  }

 private:
  void add(std::string_view s) const {
    FieldValue& v = values_.add();
    v.type = FieldType::CharBuf;
    v.str = s;
  }

  SourcePtr argv_;
  SourcePtr optstring_;
  std::optional<char> selector_;
  mutable FieldValues values_;
};

}  // namespace

SourcePtr make_getopt(SourcePtr argv, SourcePtr optstring, std::optional<char> selector) {
  auto s = std::make_unique<GetOptSource>(std::move(argv), std::move(optstring), selector);
  s->type = FieldType::CharBuf;
  s->is_list = !selector.has_value();
  return s;
}

}  // namespace vigil::engine::eval
