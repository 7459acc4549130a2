#pragma once
// The host's picture of one socket on the board (PROTOCOL.md 10): what the
// device pushed and the host has not taken yet, the credit each way, and
// what the calls so far have established. The link thread fills it, the
// application threads read it; both only under the session's mutex.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "usock/constants.hpp"
#include "usock/error.hpp"
#include "usock/sockaddr.hpp"

namespace usock::device {

struct Datagram {
  std::string bytes;
  SockAddr from;
};

struct Mirror {
  enum class Connect { none, connecting, connected, failed };

  Mirror(std::uint8_t id, Family family, SockType type) : id(id), family(family), type(type) {}

  const std::uint8_t id;
  const Family family;
  const SockType type;
  // close() was called: the id stays taken until CLOSE's RESULT, and
  // whatever the device still sends for it is dropped.
  bool closed = false;

  // Receiving: stream bytes or datagrams, then EOF.
  std::string stream;
  std::deque<Datagram> datagrams;
  bool eof = false;
  bool read_shut = false;  // SHUT_RD, done on the host: the buffer is dropped
  bool write_shut = false;

  // Device-to-host credit (bytes, PROTOCOL.md 6.2): what the application
  // took with recv, and the limit last granted.
  std::uint32_t consumed = 0;
  std::uint32_t granted = 0;
  // Host-to-device credit: bytes sent, and the device's limit.
  std::uint32_t sent = 0;
  std::uint32_t send_limit = 0;

  // Listening: connections the device accepted (their ids), and the accept
  // credit in connections.
  bool listening = false;
  std::deque<std::pair<std::uint8_t, SockAddr>> accepted;
  std::uint32_t accepts_taken = 0;
  std::uint32_t accepts_granted = 0;

  Connect connect = Connect::none;
  std::uint16_t connect_req = 0;
  // The connect's deadline passed and CANCEL went out: the socket stays
  // failed with ETIMEDOUT until closed (PROTOCOL.md 8.3).
  bool connect_cancelled = false;
  // A connect that failed leaves its errno for SO_ERROR, as the kernel does.
  int so_error = 0;
  // SOCKERR: the connection broke; every later operation raises it.
  std::optional<OSError> broken;
  // A call that was not awaited (SOCKET, SETSOCKOPT, SHUTDOWN) failed: the
  // next operation raises it. A failed SOCKET never clears.
  std::optional<OSError> deferred;
  bool deferred_sticky = false;

  std::optional<SockAddr> local;
  std::optional<SockAddr> peer;

  // Socket-credit bytes the host may still send now.
  std::size_t send_credit() const noexcept;
  // What select.poll would report for this socket now (pollev bits).
  unsigned readiness() const noexcept;
  TcpState tcp_state() const noexcept;
};

}  // namespace usock::device
