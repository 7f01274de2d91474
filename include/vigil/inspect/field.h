// Fields: named values a rule or an output format can ask of an event ("proc.name",
// "fd.sip", "evt.arg.flags"). The inspection layer owns the registry and the extractors; the
// engine only compiles conditions against FieldInfo and calls BoundField::extract per event.
//
// The registry and bound fields are immutable after creation: safe to share between threads.
// Extraction writes only into the caller's FieldValues.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/common/result.h"

namespace vigil::inspect {

class EventContext;  // an event plus the state it refers to; see inspector.h

// Field value types (fields.tsv `type` column).
enum class FieldType : uint8_t {
  Int16, Int32, Int64, Uint32, Uint64, CharBuf, ByteBuf, Bool, Double, AbsTime, RelTime,
  IpAddr, IpNet, Port, Dyn, ListCharBuf,
};

// fields.tsv `flags` column.
enum FieldFlag : uint32_t {
  kFieldArgRequired = 1u << 0,
  kFieldArgAllowed = 1u << 1,
  kFieldArgIndex = 1u << 2,
  kFieldArgKey = 1u << 3,
  kFieldNoRhs = 1u << 4,
  kFieldNoTransformer = 1u << 5,
  kFieldFilterOnly = 1u << 6,
  kFieldPrintOnly = 1u << 7,
  kFieldTableOnly = 1u << 8,
  kFieldDeprecated = 1u << 9,
  kFieldIsList = 1u << 10,
  kFieldNoPtrStability = 1u << 11,
  kFieldFormatSuggested = 1u << 12,
};

struct FieldInfo {
  std::string_view name;         // "proc.aname"
  FieldType type;
  uint32_t flags;                // FieldFlag bits
  std::string_view description;
};

// An IP address or network (family 4 or 6; address bytes in network order).
struct IpValue {
  uint8_t family = 0;
  std::array<uint8_t, 16> addr{};
  uint8_t prefix_len = 0;  // IpNet only
};

// One extracted value. Strings are views into event, state or extractor scratch memory and
// are valid until the next extraction on the same context.
struct FieldValue {
  FieldType type = FieldType::Uint64;
  union {
    int64_t i64;
    uint64_t u64;
    double f64;
    bool b;
  };
  std::string_view str;  // CharBuf, ByteBuf, ListCharBuf elements
  IpValue ip;            // IpAddr, IpNet
  FieldValue() : u64(0) {}
};

// The values of one field on one event: none (the field does not apply: "<NA>"), one, or a
// list. Inline storage for up to kInline values; a longer list moves to a heap buffer that is
// kept across clear(), so a context that extracts long lists allocates only while they grow.
// Lists are never cut short. The reference add() returns is valid until the next add().
class FieldValues {
 public:
  static constexpr size_t kInline = 16;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const FieldValue& operator[](size_t i) const { return data()[i]; }
  FieldValue& add() {
    if (size_ < kInline) return inline_[size_++];
    if (size_ == kInline) {
      if (spill_.size() < 2 * kInline) spill_.resize(2 * kInline);
      std::copy(inline_.begin(), inline_.end(), spill_.begin());
    } else if (size_ == spill_.size()) {
      spill_.resize(2 * spill_.size());
    }
    return spill_[size_++];
  }
  void clear() { size_ = 0; }
  std::span<const FieldValue> values() const { return {data(), size_}; }

 private:
  const FieldValue* data() const { return size_ > kInline ? spill_.data() : inline_.data(); }

  std::array<FieldValue, kInline> inline_{};
  std::vector<FieldValue> spill_;  // all values once there are more than kInline
  size_t size_ = 0;
};

// A field with its argument resolved (e.g. proc.aname with argument "2"), ready to extract.
class BoundField {
 public:
  virtual ~BoundField() = default;
  virtual const FieldInfo& info() const = 0;
  // The argument as written (empty when none).
  virtual std::string_view argument() const = 0;
  // Fills `out` (cleared first). Returns false when the field has no value on this event.
  virtual bool extract(const EventContext& ctx, FieldValues& out) const = 0;
};

class FieldRegistry {
 public:
  virtual ~FieldRegistry() = default;
  // All fields, in listing order (vigil --list-fields).
  virtual std::span<const FieldInfo> fields() const = 0;
  // Resolves a field reference as written in a condition: `token` is the dotted name (which may
  // carry a dotted argument, as in "evt.arg.flags" or "proc.aname"), `bracket_arg` the text inside
  // [...] if any. Errors say what is wrong with the name or argument.
  virtual Result<std::unique_ptr<BoundField>> bind(std::string_view token,
                                                   std::optional<std::string_view> bracket_arg) const = 0;
  // The field called exactly `name` (no argument), or nullptr.
  virtual const FieldInfo* find(std::string_view name) const = 0;
};

// The registry of the syscall event source: every field of docs/fields.tsv (evt.*, proc.*,
// thread.*, fd.*, fdlist.*, fs.path.*, user.*, group.*, container.*, k8s.*). Fields whose data
// this source cannot produce (plugin, k8s metadata) bind fine and extract as "no value".
std::unique_ptr<FieldRegistry> make_syscall_field_registry();

// Text of a FieldType as fields.tsv writes it ("CHARBUF", "LIST(CHARBUF)").
std::string_view field_type_name(FieldType type);

}  // namespace vigil::inspect
