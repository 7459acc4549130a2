#pragma once
// HTTP dates (RFC 9110 section 5.6.7): the IMF-fixdate servers send
// ("Sun, 06 Nov 1994 08:49:37 GMT"), and the three forms recipients accept.

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace usock::http {

std::string format_http_date(std::time_t when);
// IMF-fixdate, the obsolete RFC 850 form or asctime(); nullopt otherwise.
std::optional<std::time_t> parse_http_date(std::string_view text);

}  // namespace usock::http
