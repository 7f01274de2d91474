// Output formats in the sysdig/Falco syntax: literal text with %field, %field[arg] and
// %field.dotted.arg references, optionally starting with '*'.
//
//   auto fmt = Formatter::compile("%evt.num %proc.name (%thread.tid) %fd.name", inspector.fields());
//   fmt->format(ctx, line);
//
// Fields are bound once at compile time; format() only extracts and appends, so a steady stream
// of events does not allocate once `out` has grown. A compiled Formatter is immutable and may be
// shared between threads as long as each uses its own EventContext and output string.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/inspect/field.h"

namespace vigil::inspect {

class EventContext;

class Formatter {
 public:
  // Errors name the offending field and its column (1-based) in the format.
  static Result<Formatter> compile(std::string_view format, const FieldRegistry& registry);

  // Appends the rendered event to `out` (fields without a value print "<NA>"). Returns false when
  // a field had no value and the format did not start with '*': sysdig skips such events.
  bool format(const EventContext& ctx, std::string& out) const;

  // Whether the format started with '*' (print events even when fields are missing).
  bool print_incomplete() const { return print_incomplete_; }
  size_t field_count() const;

  Formatter(Formatter&&) noexcept;
  Formatter& operator=(Formatter&&) noexcept;
  ~Formatter();

 private:
  struct Piece {
    std::string literal;                 // text before the field
    std::unique_ptr<BoundField> field;   // null for the trailing literal
    bool pad_nanoseconds = false;        // evt.reltime's fixed-width rendering
    bool hex = false;                    // fd.dev prints in hexadecimal, as in libsinsp
  };
  Formatter() = default;
  std::vector<Piece> pieces_;
  bool print_incomplete_ = false;
};

// Appends one value the way sysdig prints it (numbers in decimal, IPs as text, bytes with '.'
// for unprintable characters, booleans as true/false).
void append_field_value(const FieldValue& value, std::string& out);
// Appends all values of a field: "<NA>" for none, the value for one, "(a,b)" for a list.
void append_field_values(const FieldValues& values, std::string& out);

}  // namespace vigil::inspect
