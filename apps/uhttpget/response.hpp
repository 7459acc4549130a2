#pragma once
// Reads one HTTP response from a ByteSource: the head (interim 1xx heads are
// skipped), then the body by its framing, handed on in pieces as it comes.
// A body that ends before its framing says it should is a Failure (exit 18),
// never a short file taken as whole.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "byte_source.hpp"
#include "usock/http/body.hpp"
#include "usock/http/head.hpp"

namespace uhttpget {

struct Response {
  usock::http::ResponseHead head;
  std::string raw_head;  // the final head as received, blank line included
  usock::http::Framing framing;

  // "HTTP/1.1 200 OK", the start line as the server sent it.
  std::string status_line() const;
};

class ResponseReader {
 public:
  // Large reads keep the system calls per GiB few; the fuzzer wants small ones.
  explicit ResponseReader(ByteSource& source, std::size_t buffer_size = 256 * 1024);

  Response read_head(std::string_view request_method);
  // Hands each piece of body to `sink`, which returns false to stop early
  // (enough has been printed).
  void read_body(const Response& response, const std::function<bool(std::string_view)>& sink);

 private:
  // Fills buffer_ with what the source has; 0 at EOF.
  std::size_t receive();
  void read_length(std::uint64_t length, const std::function<bool(std::string_view)>& sink);
  void read_chunked(const std::function<bool(std::string_view)>& sink);
  void read_until_close(const std::function<bool(std::string_view)>& sink);

  ByteSource& source_;
  std::vector<char> buffer_;
  std::string pending_;  // received past the head, not yet handed on
};

}  // namespace uhttpget
