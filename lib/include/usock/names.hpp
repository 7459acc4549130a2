#pragma once
// Symbolic names users type for socket-module numbers ("stream", "AI_PASSIVE",
// "udp", or plain numbers) and their parsers. Each parser returns nullopt for
// text it does not recognise, so callers choose how to report it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usock/constants.hpp"

namespace usock {

// "stream", "dgram", "raw", "SOCK_STREAM"..., or a number 0-255.
std::optional<SockType> parse_socktype(std::string_view text);
// "tcp", "udp", "IPPROTO_TCP"..., or a number 0-255.
std::optional<int> parse_proto(std::string_view text);
// getaddrinfo flags: names ("AI_PASSIVE" or "passive", any case) or numbers,
// joined by ',' or '|'. The result is the OR of them.
std::optional<int> parse_ai_flags(std::string_view text);
// The names of the bits set in ai::* flags, unknown bits as a hex number.
std::vector<std::string> ai_flag_names(int flags);

}  // namespace usock
