#pragma once
// The library's one error type. MicroPython raises OSError for every socket
// failure and keeps getaddrinfo failures apart by giving them negative codes;
// we do the same so a caller can map any failure with one catch.

#include <stdexcept>
#include <string>
#include <string_view>

namespace usock {

// Resolver failures, numbered as glibc's EAI_* (all negative). These are the
// portable numbers: a board's stack translates its own codes into them.
namespace eai {
inline constexpr int badflags = -1;
inline constexpr int noname = -2;
inline constexpr int again = -3;
inline constexpr int fail = -4;
inline constexpr int nodata = -5;
inline constexpr int family = -6;
inline constexpr int socktype = -7;
inline constexpr int service = -8;
inline constexpr int addrfamily = -9;
inline constexpr int memory = -10;
inline constexpr int system = -11;
inline constexpr int overflow = -12;
}  // namespace eai

class OSError : public std::runtime_error {
 public:
  // code > 0: an errno value (Linux numbering, which MicroPython also uses).
  // code < 0: a resolver failure (eai::*).
  OSError(int code, std::string reason);

  // Builds the error for errno `code` with the C library's description.
  static OSError from_errno(int code);
  // Builds the error for resolver code `code` (negative) with its description.
  static OSError from_resolver(int code);

  int code() const noexcept { return code_; }
  bool is_resolver_error() const noexcept { return code_ < 0; }
  // The human description alone, e.g. "Connection refused".
  const std::string& reason() const noexcept { return reason_; }

 private:
  int code_;
  std::string reason_;
};

// Symbolic name of an errno value as MicroPython prints it ("ECONNREFUSED"),
// or an empty view when the number has no name we know.
std::string_view errno_name(int code);

// Describes a resolver code (negative) the way gai_strerror does.
std::string resolver_reason(int code);

}  // namespace usock
