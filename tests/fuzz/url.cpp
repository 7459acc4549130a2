// URLs: a parsed URL's text parses again to the same URL, its request
// target never holds a control character or space, and a reference
// resolved against it is either refused or another valid URL.
#include "usock/http/url.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto url = usock::http::parse_url(text, error);
  if (!url) {
    FUZZ_CHECK(!error.empty());
  } else {
    FUZZ_CHECK(!url->host.empty() && url->port != 0);
    FUZZ_CHECK(!url->target.empty() && url->target.front() == '/');
    for (const char c : url->target) {
      const auto byte = static_cast<unsigned char>(c);
      FUZZ_CHECK(byte > 0x20 && byte < 0x7f);
    }
    std::string again_error;
    const auto again = usock::http::parse_url(url->text(), again_error);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->text() == url->text());
  }
  const auto base = usock::http::parse_url("http://base.test:8080/a/b?q", error);
  FUZZ_CHECK(base.has_value());
  if (const auto resolved = usock::http::resolve_reference(*base, text, error)) {
    FUZZ_CHECK(!resolved->target.empty() && resolved->target.front() == '/');
    std::string check_error;
    FUZZ_CHECK(usock::http::parse_url(resolved->text(), check_error).has_value());
  }
  return 0;
}
