// parse_port: accepts exactly the decimal numbers 0-65535 (no sign, no
// spaces, leading zeros allowed), and what it returns prints back the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto port = usock::parse_port(text);

  // A reference reading, saturating so long inputs cannot wrap.
  bool digits = !text.empty();
  std::uint32_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      digits = false;
      break;
    }
    value = value > 65535 ? value : value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  FUZZ_CHECK(port.has_value() == (digits && value <= 65535));
  if (port) {
    FUZZ_CHECK(*port == value);
    FUZZ_CHECK(usock::parse_port(std::to_string(*port)) == port);
  }
  return 0;
}
