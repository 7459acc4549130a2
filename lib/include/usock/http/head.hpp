#pragma once
// HTTP/1.x message heads (RFC 9112): the start line and header fields of a
// request or a response, parsed from the front of a buffer. Shared by the
// client (uhttpget) and the server (userve); built to meet hostile input:
// every size is bounded and every malformation is reported, never guessed.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace usock::http {

struct Header {
  std::string name;   // as received; compare with iequals()
  std::string value;  // without leading or trailing whitespace
};
using Headers = std::vector<Header>;

// The value of the first field named `name` (any case), or nullptr.
const std::string* find_header(const Headers& headers, std::string_view name);
bool iequals(std::string_view a, std::string_view b);

struct Limits {
  std::size_t max_line = 8 * 1024;   // one start or header line
  std::size_t max_head = 64 * 1024;  // the whole head
  std::size_t max_headers = 100;
};

struct RequestHead {
  std::string method;
  std::string target;
  int minor_version = 1;  // HTTP/1.minor
  Headers headers;
};

struct ResponseHead {
  int minor_version = 1;
  int status = 0;
  std::string reason;
  Headers headers;
};

struct ParseResult {
  enum class Status { incomplete, complete, invalid };
  Status status = Status::incomplete;
  // When complete: the head's length, its blank line included.
  std::size_t consumed = 0;
  // When invalid: what is wrong, and the status a server answers it with
  // (400 malformed, 414 request line too long, 431 header fields too large).
  std::string error;
  int reply_status = 0;
};

// Parse the head at the front of `data`. Incomplete until the blank line
// arrives (or a limit is passed, which is invalid). Lines may end in CRLF or,
// as RFC 9112 allows a recipient to accept, a bare LF. Obsolete line folding
// is rejected.
ParseResult parse_request_head(std::string_view data, RequestHead& out, const Limits& limits = {});
ParseResult parse_response_head(std::string_view data, ResponseHead& out,
                                const Limits& limits = {});

}  // namespace usock::http
