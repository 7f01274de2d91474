#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "vigil/capture/param_format.h"

namespace vigil::capture {

void TextBuffer::append(std::string_view s) {
  size_t n = s.size();
  if (n == 0) return;  // an empty view may have no data pointer at all
  if (n > capacity_ - size_) {
    n = capacity_ - size_;
    truncated_ = true;
  }
  std::memcpy(data_ + size_, s.data(), n);
  size_ += n;
}

void TextBuffer::appendf(const char* fmt, ...) {
  // vsnprintf always wants room for its NUL; format into a stack buffer when we are at the
  // edge so a short tail still fits exactly.
  char local[64];
  va_list args;
  va_start(args, fmt);
  const size_t room = capacity_ - size_;
  int n;
  if (room > sizeof local) {
    n = std::vsnprintf(data_ + size_, room, fmt, args);
    va_end(args);
    if (n < 0) return;
    if (static_cast<size_t>(n) >= room) {
      size_ += room - 1;  // vsnprintf kept the last byte for its NUL
      truncated_ = true;
    } else {
      size_ += static_cast<size_t>(n);
    }
    return;
  }
  n = std::vsnprintf(local, sizeof local, fmt, args);
  va_end(args);
  if (n < 0) return;
  append(std::string_view(local, std::min<size_t>(static_cast<size_t>(n), sizeof local - 1)));
  if (static_cast<size_t>(n) >= sizeof local) truncated_ = true;
}

void TextBuffer::append_u64(uint64_t v) {
  // Two digits per division: event lines are mostly numbers (times, ids, sizes).
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char digits[20];
  char* end = digits + sizeof digits;
  char* p = end;
  while (v >= 100) {
    const size_t pair = static_cast<size_t>(v % 100) * 2;
    v /= 100;
    *--p = kPairs[pair + 1];
    *--p = kPairs[pair];
  }
  if (v >= 10) {
    *--p = kPairs[v * 2 + 1];
    *--p = kPairs[v * 2];
  } else {
    *--p = static_cast<char>('0' + v);
  }
  append(std::string_view(p, static_cast<size_t>(end - p)));
}

void TextBuffer::append_i64(int64_t v) {
  if (v < 0) {
    push_back('-');
    append_u64(~static_cast<uint64_t>(v) + 1);
  } else {
    append_u64(static_cast<uint64_t>(v));
  }
}

bool ParamResolver::fd_name(int64_t, int64_t, TextBuffer&) const { return false; }
char ParamResolver::fd_type_char(int64_t, int64_t) const { return 0; }
bool ParamResolver::thread_comm(int64_t, TextBuffer&) const { return false; }
bool ParamResolver::user_name(int64_t, uint32_t, TextBuffer&) const { return false; }
bool ParamResolver::group_name(int64_t, uint32_t, TextBuffer&) const { return false; }
bool ParamResolver::base_dir(int64_t, int64_t, TextBuffer&) const { return false; }

}  // namespace vigil::capture
