#pragma once
// Base64 (RFC 4648, with padding), for the Basic authentication header.

#include <string>
#include <string_view>

namespace uhttpget {

std::string base64_encode(std::string_view data);

}  // namespace uhttpget
