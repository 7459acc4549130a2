#pragma once
// RESULT and SOCKERR messages (PROTOCOL.md 8.2, 8.5): a success with its
// body, or an error as a Linux errno (or glibc EAI code) with the text cut
// to 120 bytes at a character boundary.

#include <cstdint>
#include <string_view>

#include "usock/error.hpp"
#include "usock/proxy/endpoint.hpp"
#include "usock/proxy/message.hpp"

namespace uboard {

void send_success(usock::proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t sock,
                  const usock::proxy::ResultBody& body = {});
void send_failure(usock::proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t sock, int code,
                  std::string_view text);
void send_failure(usock::proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t sock,
                  const usock::OSError& error);
void send_sockerr(usock::proxy::LinkEndpoint& link, std::uint8_t sock, const usock::OSError& error);

}  // namespace uboard
