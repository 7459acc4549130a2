// parse_endpoint: a host with no brackets left in it, a port only when the
// text ends in ":<port>", and a result that survives printing and reparsing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto endpoint = usock::parse_endpoint(text);
  if (!endpoint) return 0;

  FUZZ_CHECK(!endpoint->host.empty());
  FUZZ_CHECK(endpoint->host.find_first_of("[]") == std::string::npos);
  FUZZ_CHECK(text.find(endpoint->host) != std::string_view::npos);
  if (endpoint->port) {
    const auto colon = text.rfind(':');
    FUZZ_CHECK(colon != std::string_view::npos);
    FUZZ_CHECK(usock::parse_port(text.substr(colon + 1)) == endpoint->port);
  }

  // Printed back in the canonical form, it reads the same.
  const bool bracket = endpoint->host.find(':') != std::string::npos;
  std::string printed = bracket ? "[" + endpoint->host + "]" : endpoint->host;
  if (endpoint->port) printed += ":" + std::to_string(*endpoint->port);
  const auto again = usock::parse_endpoint(printed);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->host == endpoint->host);
  FUZZ_CHECK(again->port == endpoint->port);
  return 0;
}
