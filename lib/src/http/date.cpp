#include "usock/http/date.hpp"

#include <array>

namespace usock::http {

std::string format_http_date(std::time_t when) {
  std::tm parts{};
  gmtime_r(&when, &parts);
  std::array<char, 64> text{};
  const std::size_t length =
      std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return std::string(text.data(), length);
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
  // strptime needs a terminated string; an HTTP date is short.
  if (text.size() > 64) return std::nullopt;
  const std::string copy(text);
  // strptime reads English names only in the C locale, which a server keeps.
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm parts{};
    const char* end = strptime(copy.c_str(), format, &parts);
    if (end != nullptr && *end == '\0') return timegm(&parts);
  }
  return std::nullopt;
}

}  // namespace usock::http
