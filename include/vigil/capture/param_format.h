// Text rendering of event parameters, the way sysdig 0.29.3 and libsinsp show them.
//
// Every parameter has two renderings (scap-format.md §13, docs/fields.tsv):
//  * the raw value (%evt.rawarg.NAME): integers in decimal, strings and buffers as stored;
//  * the formatted value (%evt.arg.NAME, and each `name=value` of %evt.args): the value in the
//    parameter's print format plus, when one exists, a resolution shown in parentheses:
//    `flags=4097(O_RDONLY|O_CLOEXEC)`, `res=-2(ENOENT)`, `sig=9(SIGKILL)`, `interval=0(0s)`.
//
// Rendering needs no state. Resolutions that do need state (the file behind an fd, the command
// of a pid, a user name, a thread's cwd) are asked of an optional ParamResolver, which the
// inspection layer implements; without one, the output is what sysdig prints for a thread it
// knows nothing about (`fd=3`, `uid=0(<NA>)`).
//
// All output goes into caller-provided TextBuffers: nothing here allocates.
// Thread-safety: the functions are reentrant; a TextBuffer belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigil/capture/event.h"
#include "vigil/capture/event_schema.h"

namespace vigil::capture {

// A bounded, non-owning text sink over caller memory. Appends past the capacity are cut and
// remembered in truncated(); the text stays valid (no NUL terminator is kept).
class TextBuffer {
 public:
  TextBuffer(char* data, size_t capacity) : data_(data), capacity_(capacity) {}
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  void clear() { size_ = 0; truncated_ = false; }
  void append(std::string_view s);
  void push_back(char c) {
    if (size_ < capacity_) {
      data_[size_++] = c;
    } else {
      truncated_ = true;
    }
  }
  // printf-style append; output past the capacity is cut.
  void appendf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  void append_u64(uint64_t v);
  void append_i64(int64_t v);
  // Drops everything after the first `n` characters (n <= size()).
  void shrink(size_t n) { if (n < size_) size_ = n; }

  std::string_view view() const { return {data_, size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  bool truncated() const { return truncated_; }

 private:
  char* data_;
  size_t capacity_;
  size_t size_ = 0;
  bool truncated_ = false;
};

// A TextBuffer with its storage inline.
template <size_t N>
class FixedText : public TextBuffer {
 public:
  FixedText() : TextBuffer(storage_, N) {}

 private:
  char storage_[N];
};

// State-aware resolutions, implemented by the inspection layer. Each method appends to `out`
// and returns true, or returns false (and appends nothing) when it does not know the answer.
// Only called while formatting, never while decoding.
class ParamResolver {
 public:
  virtual ~ParamResolver() = default;
  // The fd's type character and name as sysdig shows them inside parentheses: "<f>/etc/passwd",
  // "<4t>127.0.0.1:47192->127.0.0.1:80", "<u>".
  virtual bool fd_name(int64_t tid, int64_t fd, TextBuffer& out) const;
  // The fd's type character alone ('f', '4', 'u', ...), or 0 when unknown (FDLIST entries).
  virtual char fd_type_char(int64_t tid, int64_t fd) const;
  // The command name (comm) of a thread id.
  virtual bool thread_comm(int64_t tid, TextBuffer& out) const;
  virtual bool user_name(int64_t tid, uint32_t uid, TextBuffer& out) const;
  virtual bool group_name(int64_t tid, uint32_t gid, TextBuffer& out) const;
  // The directory a relative path of this thread is resolved against, ending in '/'. For
  // FSRELPATH parameters `dirfd` is the directory fd (kAtFdCwd means the cwd).
  virtual bool base_dir(int64_t tid, int64_t dirfd, TextBuffer& out) const;
};

inline constexpr int64_t kAtFdCwd = -100;  // PPM_AT_FDCWD

struct ParamFormatOptions {
  // Byte buffers rendered longer than this are cut to this many characters, the last three
  // replaced by "..." (sysdig's default of 80). 0: never cut.
  uint32_t max_buffer_len = 80;
  const ParamResolver* resolver = nullptr;
};

// Everything one parameter's formatting depends on besides its bytes.
struct ParamContext {
  const EventSchema& schema;  // owner of `info`, whose flag tables decode FLAGS/MODE values
  int64_t tid = 0;            // the event's thread, for resolver lookups
  ParamFormatOptions options = {};
  // FSRELPATH parameters: the dirfd parameter's value when the event has one.
  int64_t dirfd = kAtFdCwd;
};

// The formatted value and its resolution (empty when there is none), sysdig's get_param_as_str.
// A zero-length parameter has no value: an empty byte buffer renders as nothing, an empty
// socket address, socket tuple, fd list or PT_DYN as "NULL", anything else as "<NA>".
void format_param(const ParamContext& ctx, ParamView param, const ParamInfo& info,
                  TextBuffer& value, TextBuffer& resolved);

// The raw value (%evt.rawarg.NAME): signed or unsigned decimal for every integer-like type
// (fd, errno, pid, flags, mode, uid, syscall id, ...); CHARBUF/FSPATH/FSRELPATH text and
// BYTEBUF bytes up to the first NUL, unmodified; sockets, fd lists and PT_DYN values as their
// formatted value without resolution. An empty text or buffer parameter is the empty string;
// for any other empty parameter this returns false (the field does not exist).
bool format_param_raw(ParamView param, const ParamInfo& info, TextBuffer& out);

// Name lookups used by the renderings. Empty views when the code has no name.
std::string_view errno_name(int64_t negative_errno);  // -2 -> "ENOENT"; only negatives resolve
std::string_view signal_name(uint32_t signo);         // 9 -> "SIGKILL"
// ppm_sc syscall code -> name (newest numbering, scap-format.md §12.1): 75 -> "mprotect".
// Code 0 is "<unknown>"; codes past the table give an empty view.
std::string_view ppm_sc_name(uint16_t code);

// Display name of an event (%evt.type): the schema name, except that generic syscall events
// (ids 0/1) show the syscall their ID parameter names; empty for a code no table knows (the
// field then does not exist, as in sysdig).
std::string_view event_type_name(const EventView& event, const EventInfo& info);

// The parameters of an event as `%evt.args` shows them: `name=value(resolved) ` for each
// parameter the record holds and `info` describes, each followed by one space; nothing for
// generic syscall events.
void format_event_args(const ParamContext& ctx, const EventView& event, const EventInfo& info,
                       TextBuffer& out);

// Index of the parameter named `name` in `info`, or -1.
int find_param(const EventInfo& info, std::string_view name);

}  // namespace vigil::capture
