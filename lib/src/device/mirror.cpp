#include "mirror.hpp"

#include <cerrno>

namespace usock::device {

std::size_t Mirror::send_credit() const noexcept {
  // Limits are serial numbers (mod 2^32): a limit behind the count means none.
  const auto left = static_cast<std::int32_t>(send_limit - sent);
  return left > 0 ? static_cast<std::size_t>(left) : 0;
}

unsigned Mirror::readiness() const noexcept {
  unsigned events = 0;
  const bool failed = connect == Connect::failed || broken.has_value();
  const bool readable = !stream.empty() || !datagrams.empty() || eof || read_shut ||
                        !accepted.empty() || failed || deferred.has_value();
  if (readable) events |= pollev::in;
  const bool can_send = type == SockType::dgram || connect == Connect::connected;
  if ((can_send && !write_shut && send_credit() > 0) || failed) events |= pollev::out;
  if (failed || deferred.has_value()) events |= pollev::err;
  const bool reset = broken && (broken->code() == ECONNRESET || broken->code() == EPIPE);
  if (reset || (eof && write_shut)) events |= pollev::hup;
  return events;
}

TcpState Mirror::tcp_state() const noexcept {
  if (type != SockType::stream) return TcpState::unknown;
  if (listening) return TcpState::listen;
  if (broken) return TcpState::closed;
  switch (connect) {
    case Connect::none:
    case Connect::failed:
      return TcpState::closed;
    case Connect::connecting:
      return TcpState::syn_sent;
    case Connect::connected:
      break;
  }
  // Without the board's own state (caps TCP_STATE), the shutdowns and EOFs
  // seen so far tell which half is closed.
  if (eof && write_shut) return TcpState::last_ack;
  if (eof) return TcpState::close_wait;
  if (write_shut) return TcpState::fin_wait_2;
  return TcpState::established;
}

}  // namespace usock::device
