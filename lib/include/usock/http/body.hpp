#pragma once
// How an HTTP/1.x body is delimited (RFC 9112 section 6), and the decoder of
// the chunked transfer coding. A body whose end cannot be known for sure is
// an error, never a guess, so a truncated download is never taken as whole.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "usock/http/head.hpp"

namespace usock::http {

struct Framing {
  enum class Kind { none, length, chunked, until_close };
  Kind kind = Kind::none;
  std::uint64_t length = 0;  // for Kind::length
};

// The framing of a response to a request with `request_method`; nullopt and
// `error` set when the head contradicts itself (two different lengths, a
// length that is not a number).
std::optional<Framing> response_framing(const ResponseHead& head, std::string_view request_method,
                                        std::string& error);
// The framing of a request body. Stricter than for responses: both
// Transfer-Encoding and Content-Length, or a transfer coding other than a
// final chunked, is rejected (request smuggling, RFC 9112 6.3).
std::optional<Framing> request_framing(const RequestHead& head, std::string& error);

// Decodes chunked transfer coding as it arrives, in pieces of any size.
class ChunkedDecoder {
 public:
  enum class Status { more, done, invalid };

  // Consumes bytes from the front of `in` (the count goes to `consumed`) and
  // appends the body bytes to `out`. Once done, bytes after the last chunk's
  // trailer are left unconsumed (a pipelined next message).
  Status feed(std::string_view in, std::size_t& consumed, std::string& out);
  const std::string& error() const noexcept { return error_; }

 private:
  enum class State { size_line, data, data_end, trailer, done, failed };
  Status fail(std::string error);
  Status end_size_line();

  State state_ = State::size_line;
  std::string line_;             // the size or trailer line being gathered
  std::uint64_t remaining_ = 0;  // bytes left in the current chunk
  std::size_t trailer_bytes_ = 0;
  std::string error_;
};

}  // namespace usock::http
