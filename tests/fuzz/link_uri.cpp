// --device URIs: whatever the text, parsing accepts it with a canonical form
// that parses back to the same link, or refuses it with a reason.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/link.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto address = usock::parse_link_uri(text, error);
  if (!address) {
    FUZZ_CHECK(!error.empty());
    return 0;
  }
  std::string again_error;
  const auto again = usock::parse_link_uri(address->text(), again_error);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->text() == address->text());
  FUZZ_CHECK(again->kind == address->kind && again->path == address->path &&
             again->host == address->host && again->port == address->port &&
             again->baud == address->baud);
  return 0;
}
