// Escapes inside quoted condition strings (rules-language.md §B.6).
#include "condition/parser.h"

namespace vigil::engine::condition {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool unescape(std::string_view body, char quote, std::string& out) {
  out.clear();
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\0') return false;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= body.size()) return false;
    char e = body[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case ' ': out += '\\'; break;  // legacy: backslash-space is a lone backslash
      case 'x': {
        if (i + 2 >= body.size()) return false;
        int hi = hex_value(body[i + 1]), lo = hex_value(body[i + 2]);
        if (hi < 0 || lo < 0) return false;
        char v = static_cast<char>(hi * 16 + lo);
        if (v == '\0') return false;
        out += v;
        i += 2;
        break;
      }
      default:
        if (e == quote) {
          out += e;
          break;
        }
        return false;
    }
  }
  return true;
}

}  // namespace vigil::engine::condition
