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

void TextBuffer::push_back(char c) {
  if (size_ < capacity_) {
    data_[size_++] = c;
  } else {
    truncated_ = true;
  }
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
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) push_back(digits[--n]);
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
