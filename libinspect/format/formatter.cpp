#include "vigil/inspect/formatter.h"

#include <cctype>
#include <cinttypes>
#include <cstdio>

#include "state/inspector_impl.h"
#include "vigil/inspect/inspector.h"

namespace vigil::inspect {

namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; }

}  // namespace

Formatter::Formatter(Formatter&&) noexcept = default;
Formatter& Formatter::operator=(Formatter&&) noexcept = default;
Formatter::~Formatter() = default;

size_t Formatter::field_count() const {
  size_t n = 0;
  for (const auto& p : pieces_) n += p.field != nullptr;
  return n;
}

Result<Formatter> Formatter::compile(std::string_view format, const FieldRegistry& registry) {
  Formatter f;
  size_t i = 0;
  if (!format.empty() && format[0] == '*') {
    f.print_incomplete_ = true;
    i = 1;
  }
  std::string literal;
  while (i < format.size()) {
    const char c = format[i];
    if (c != '%') {
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '%') {
      literal += '%';
      i += 2;
      continue;
    }
    const size_t start = i + 1;
    size_t end = start;
    while (end < format.size() && is_name_char(format[end])) ++end;
    // A name never ends with '.': "%proc.name." is the field followed by a period.
    while (end > start && format[end - 1] == '.') --end;
    if (end == start) {
      Error e{"expected a field name after '%'"};
      e.column = static_cast<uint32_t>(i + 1);
      return e;
    }
    std::string_view name = format.substr(start, end - start);
    std::optional<std::string_view> arg;
    size_t next = end;
    if (next < format.size() && format[next] == '[') {
      const size_t close = format.find(']', next);
      if (close == std::string_view::npos) {
        Error e{"unterminated '[' after field '" + std::string(name) + "'"};
        e.column = static_cast<uint32_t>(next + 1);
        return e;
      }
      arg = format.substr(next + 1, close - next - 1);
      next = close + 1;
    }
    auto bound = registry.bind(name, arg);
    if (!bound.ok()) {
      Error e = bound.error();
      e.column = static_cast<uint32_t>(start + 1);  // 1-based, at the field name
      return e;
    }
    const bool pad = bound.value()->info().name == "evt.reltime";
    const bool hex = bound.value()->info().name == "fd.dev";
    f.pieces_.push_back(Piece{std::move(literal), std::move(bound.value()), pad, hex});
    literal.clear();
    i = next;
  }
  if (!literal.empty()) f.pieces_.push_back(Piece{std::move(literal), nullptr, false, false});
  return f;
}

bool Formatter::format(const EventContext& ctx, std::string& out) const {
  bool complete = true;
  FieldValues values;
  for (const auto& piece : pieces_) {
    out += piece.literal;
    if (!piece.field) continue;
    if (!piece.field->extract(ctx, values)) {
      complete = false;
      out += "<NA>";
      continue;
    }
    if (piece.pad_nanoseconds && values.size() == 1) {
      // evt.reltime prints at least nine digits, like libsinsp: 22 ms is "022000000".
      char buf[32];
      std::snprintf(buf, sizeof buf, "%09" PRIu64, values[0].u64);
      out += buf;
      continue;
    }
    if (piece.hex && values.size() == 1) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%" PRIX64, static_cast<uint64_t>(values[0].i64) & 0xffffffffu);
      out += buf;
      continue;
    }
    append_field_values(values, out);
  }
  return complete || print_incomplete_;
}

void append_field_value(const FieldValue& v, std::string& out) {
  char buf[64];
  switch (v.type) {
    case FieldType::Int16:
    case FieldType::Int32:
    case FieldType::Int64:
      out += std::to_string(v.i64);
      return;
    case FieldType::Uint32:
    case FieldType::Uint64:
    case FieldType::AbsTime:
    case FieldType::RelTime:
    case FieldType::Port:
      out += std::to_string(v.u64);
      return;
    case FieldType::Bool:
      out += v.b ? "true" : "false";
      return;
    case FieldType::Double:
      std::snprintf(buf, sizeof buf, "%.2f", v.f64);
      out += buf;
      return;
    case FieldType::IpAddr:
    case FieldType::IpNet: {
      std::string text;
      format_endpoint(v.ip.addr, v.ip.family == 6, 0, text);
      out.append(text, 0, text.rfind(':'));
      return;
    }
    case FieldType::ByteBuf:
      for (char c : v.str) out += (c >= 32 && c < 127) ? c : '.';
      return;
    case FieldType::CharBuf:
    case FieldType::ListCharBuf:
    case FieldType::Dyn:
      out += v.str;
      return;
  }
}

void append_field_values(const FieldValues& values, std::string& out) {
  if (values.empty()) {
    out += "<NA>";
    return;
  }
  if (values.size() == 1) {
    append_field_value(values[0], out);
    return;
  }
  out += '(';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    append_field_value(values[i], out);
  }
  out += ')';
}

}  // namespace vigil::inspect
