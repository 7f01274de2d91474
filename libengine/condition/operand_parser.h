// OperandParser: the value side of the condition grammar (rules-language.md §B.2): field
// references with arguments, transformer calls and their argument lists, val(), and literal lists.
#pragma once

#include "condition/ast.h"
#include "condition/lexer.h"

namespace vigil::engine::condition {

class OperandParser : public Lexer {
 public:
  using Lexer::Lexer;

 protected:
  // FIELDNAME ["[" arg "]"]; false without an error when no field name comes next.
  bool field_ref(Operand& out);
  // TNAME "(" targ {"," targ} ")" ["[" arg "]"]; false without an error when none comes next.
  bool transformer(Operand& out, int depth);
  // A field or transformer: the left side of a check, or an exception's field entry.
  bool lhs_operand(Operand& out);
  // val(field) or a transformer on the right-hand side; `matched` is false when neither is next.
  bool val_or_transformer(Operand& out, bool& matched);
  // "(" [scalar {"," scalar}] ")" at the current '('.
  bool literal_list(Operand& out);

 private:
  bool transformer_arg(Operand& out, int depth);
  bool arg_list_item(Operand& out, int depth);
  // The text between '[' and ']' after a field (`field`: its unquoted argument may not be empty
  // nor contain brackets or quotes) or after a transformer (getopt's option selector).
  bool bracket_argument(std::optional<std::string>& arg, bool field);
};

}  // namespace vigil::engine::condition
