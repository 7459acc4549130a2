#include "results.hpp"

#include <algorithm>
#include <string>

namespace uboard {

using usock::proxy::kMaxErrorText;

namespace {

// The code as the wire's s16 carries it; every errno and EAI code fits.
std::int16_t wire_code(int code) {
  return static_cast<std::int16_t>(std::clamp(code, -32768, 32767));
}

}  // namespace

void send_success(usock::proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t sock,
                  const usock::proxy::ResultBody& body) {
  std::string encoded;
  usock::proxy::encode_result_body(body, encoded);
  usock::proxy::Result result;
  result.body = encoded;
  link.send(result, req, sock);
}

void send_failure(usock::proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t sock, int code,
                  std::string_view text) {
  usock::proxy::Result result;
  result.code = wire_code(code);
  result.native = code;
  result.text = usock::proxy::cut_utf8(text, kMaxErrorText);
  link.send(result, req, sock);
}

void send_failure(usock::proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t sock,
                  const usock::OSError& error) {
  send_failure(link, req, sock, error.code(), error.reason());
}

void send_sockerr(usock::proxy::LinkEndpoint& link, std::uint8_t sock,
                  const usock::OSError& error) {
  usock::proxy::SockErr event;
  event.code = wire_code(error.code());
  event.native = error.code();
  event.text = usock::proxy::cut_utf8(error.reason(), kMaxErrorText);
  link.send(event, 0, sock);
}

}  // namespace uboard
