// A server's request path: the bytes are taken as a request head, and its
// target (or, when it does not parse, the bytes themselves) as a target to
// map under a root. A mapped path never holds a segment that could leave the
// root, and mapping it again gives itself; a refusal says why, with a 4xx.
// The first line's tail also goes through the Range parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/http/head.hpp"
#include "usock/http/path.hpp"
#include "usock/http/range.hpp"

namespace {

// The relative path as a target again, escaping what would end or split it.
std::string as_target(std::string_view relative) {
  std::string target = "/";
  for (const char c : relative) {
    if (c == '%' || c == '?' || c == '#') {
      static const char kHex[] = "0123456789ABCDEF";
      target += '%';
      target += kHex[static_cast<unsigned char>(c) >> 4];
      target += kHex[static_cast<unsigned char>(c) & 15];
    } else {
      target += c;
    }
  }
  return target;
}

void check_path(std::string_view target) {
  const auto path = usock::http::target_path(target);
  if (path.reply_status != 0) {
    FUZZ_CHECK(path.reply_status == 400 || path.reply_status == 403 || path.reply_status == 404);
    FUZZ_CHECK(!path.error.empty());
    FUZZ_CHECK(path.relative.empty());
    return;
  }
  const std::string& relative = path.relative;
  FUZZ_CHECK(relative.find('\0') == std::string::npos);
  FUZZ_CHECK(relative.find('\\') == std::string::npos);
  if (!relative.empty()) {
    FUZZ_CHECK(relative.front() != '/' && relative.back() != '/');
    FUZZ_CHECK(relative.find("//") == std::string::npos);
    const std::string framed = "/" + relative + "/";
    FUZZ_CHECK(framed.find("/../") == std::string::npos);
    FUZZ_CHECK(framed.find("/./") == std::string::npos);
  }
  const auto again = usock::http::target_path(as_target(relative));
  FUZZ_CHECK(again.reply_status == 0);
  FUZZ_CHECK(again.relative == relative);
}

void check_range(std::string_view value, std::uint64_t size) {
  const auto range = usock::http::parse_byte_range(value, size);
  if (range.kind == usock::http::ByteRange::Kind::satisfiable) {
    FUZZ_CHECK(range.first <= range.last && range.last < size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  usock::http::RequestHead request;
  const auto parsed = usock::http::parse_request_head(text, request);
  if (parsed.status == usock::http::ParseResult::Status::complete) {
    check_path(request.target);
    for (const auto& header : request.headers) {
      if (usock::http::iequals(header.name, "Range")) check_range(header.value, size);
    }
  } else {
    check_path(text);
  }
  check_range(text, size);
  check_range(text, 0);
  return 0;
}
