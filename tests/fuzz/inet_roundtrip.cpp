// inet_pton and inet_ntop undo each other. The first byte picks the family
// (odd: IPv6); the rest is read both as text and as packed bytes.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/address.hpp"
#include "usock/error.hpp"
#include "usock/sockaddr.hpp"

using usock::Family;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Family family = (data[0] & 1) ? Family::inet6 : Family::inet;
  const std::size_t packed_size = family == Family::inet ? 4 : 16;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

  // Text -> bytes -> text: the canonical text is a fixed point.
  try {
    const std::string packed = usock::inet_pton(family, rest);
    FUZZ_CHECK(packed.size() == packed_size);
    const std::string canonical = usock::inet_ntop(family, packed);
    FUZZ_CHECK(usock::inet_pton(family, canonical) == packed);
    // IPv4 has one spelling only (no leading zeros, no short forms).
    if (family == Family::inet) FUZZ_CHECK(canonical == rest);
    FUZZ_CHECK(usock::SockAddr::from_numeric(canonical, 80).host() == canonical);
  } catch (const usock::OSError& error) {
    FUZZ_CHECK(error.code() == EINVAL);
  }

  // Bytes -> text -> bytes: every packed address of the right size prints.
  try {
    const std::string text = usock::inet_ntop(family, rest);
    FUZZ_CHECK(rest.size() == packed_size);
    FUZZ_CHECK(usock::inet_pton(family, text) == rest);
    FUZZ_CHECK(usock::inet_ntop(family, usock::inet_pton(family, text)) == text);
  } catch (const usock::OSError& error) {
    FUZZ_CHECK(error.code() == EINVAL);
    FUZZ_CHECK(rest.size() != packed_size);
  }
  return 0;
}
