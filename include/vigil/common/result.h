// Errors as values across vigil's public API.
//
// Every fallible public call returns a Status (no value) or a Result<T>. An Error names where the
// problem is: a file plus a byte offset (captures), or a file plus line/column (rules, config).
// Exceptions never cross the public API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vigil {

// What went wrong, and where. Plain value type; copy freely.
struct Error {
  std::string message;
  std::string file;                      // empty when the error is not about a file
  std::optional<uint64_t> byte_offset;   // captures: offset in the (decompressed) stream
  uint32_t line = 0;                     // text inputs: 1-based; 0 when unknown
  uint32_t column = 0;                   // text inputs: 1-based; 0 when unknown

  // "FILE: byte OFFSET: MESSAGE" or "FILE:LINE:COL: MESSAGE", whatever parts are known.
  std::string to_string() const {
    std::string out;
    if (!file.empty()) {
      out += file;
      if (line != 0) {
        out += ':' + std::to_string(line);
        if (column != 0) out += ':' + std::to_string(column);
      }
      out += ": ";
    }
    if (byte_offset) out += "byte " + std::to_string(*byte_offset) + ": ";
    out += message;
    return out;
  }
};

// Success, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e)) {}  // NOLINT: implicit on purpose, `return Error{...};`
  static Status ok_status() { return {}; }

  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

// A T, or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error e) : v_(std::move(e)) {}      // NOLINT: implicit on purpose

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status{} : Status{error()}; }

 private:
  std::variant<T, Error> v_;
};

}  // namespace vigil
