// HTTP heads: whatever the bytes, parsing ends in one of three states; a
// complete head never claims more bytes than it was given, and a prefix of a
// complete head is never itself complete with a different length.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/http/head.hpp"

using usock::http::ParseResult;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  usock::http::RequestHead request;
  const ParseResult as_request = usock::http::parse_request_head(text, request);
  usock::http::ResponseHead response;
  const ParseResult as_response = usock::http::parse_response_head(text, response);
  for (const ParseResult* result : {&as_request, &as_response}) {
    if (result->status == ParseResult::Status::complete) {
      FUZZ_CHECK(result->consumed > 0 && result->consumed <= size);
    }
    if (result->status == ParseResult::Status::invalid) {
      FUZZ_CHECK(!result->error.empty());
      FUZZ_CHECK(result->reply_status >= 400 && result->reply_status <= 505);
    }
  }
  if (as_response.status == ParseResult::Status::complete) {
    FUZZ_CHECK(response.status >= 100 && response.status <= 999);
    // The head alone parses to the same result.
    usock::http::ResponseHead again;
    const auto alone =
        usock::http::parse_response_head(text.substr(0, as_response.consumed), again);
    FUZZ_CHECK(alone.status == ParseResult::Status::complete);
    FUZZ_CHECK(alone.consumed == as_response.consumed);
    FUZZ_CHECK(again.headers.size() == response.headers.size());
  }
  if (as_request.status == ParseResult::Status::complete) {
    FUZZ_CHECK(!request.method.empty() && !request.target.empty());
    for (const auto& header : request.headers) {
      FUZZ_CHECK(header.value.find_first_of("\r\n") == std::string::npos);
    }
  }
  return 0;
}
