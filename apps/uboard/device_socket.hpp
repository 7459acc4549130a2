#pragma once
// One socket of the board's session: the native socket the host's calls run
// on and the socket credit of PROTOCOL.md 6.2 in both directions. Counters
// are u32 and compared in serial order, as on the wire.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "usock/proxy/message.hpp"
#include "usock/proxy/serial_order.hpp"
#include "usock/socket.hpp"
#include "usock/wait.hpp"

namespace uboard {

struct DeviceSocket {
  DeviceSocket(usock::Socket socket_, bool stream_, std::uint32_t host_window,
               std::uint32_t own_window)
      : socket(std::move(socket_)),
        stream(stream_),
        host_limit(host_window),
        own_window(own_window),
        granted(own_window) {}

  usock::Socket socket;
  bool stream;
  bool connected = false;  // a stream socket may be read and written
  bool listening = false;
  std::optional<std::uint16_t> connect_req;  // a CONNECT under way
  bool failed = false;                       // a cancelled CONNECT: calls get ETIMEDOUT
  bool broken = false;                       // SOCKERR sent: nothing more moves
  bool eof_sent = false;
  bool read_shut = false;

  // Device to host: DATA bytes pushed and the host's limit (its sockwin, then WINDOW/WND).
  std::uint32_t pushed = 0;
  std::uint32_t host_limit;
  // A datagram read while the credit was short of it, sent once credit comes.
  std::optional<std::pair<std::string, usock::SockAddr>> held_datagram;

  // Host to device: bytes received, written to the socket, and the limit
  // granted (sock_buf ahead of what was written). The difference between
  // received and written waits in `unwritten`, never more than own_window.
  std::uint32_t own_window;
  std::uint32_t received = 0;
  std::uint32_t written = 0;
  std::uint32_t granted;
  std::string unwritten;

  // A listener: connections accepted and the host's accept credit.
  std::uint32_t accepted = 0;
  std::uint32_t accept_limit = 0;

  // Calls that wait until `unwritten` is written (PROTOCOL.md 8.3).
  std::optional<std::uint16_t> shutdown_req;
  usock::proxy::ShutdownHow shutdown_how = usock::proxy::ShutdownHow::both;
  std::optional<std::uint16_t> close_req;
  usock::Clock::time_point close_deadline;

  unsigned ready = 0;    // pollev bits from the last wait
  unsigned watched = 0;  // pollev bits registered with the poller

  std::uint32_t credit_left() const noexcept { return host_limit - pushed; }
  bool has_credit() const noexcept { return usock::proxy::is_after(host_limit, pushed); }
  // The limit to grant now: own_window past what has reached the socket.
  std::uint32_t next_grant() const noexcept { return written + own_window; }
  // A quarter of the window consumed since the last grant (PROTOCOL.md 6.2);
  // on a datagram socket any consumption, since a datagram goes only whole
  // and the host may hold one larger than what a quarter rule leaves it.
  bool grant_due() const noexcept {
    return stream ? next_grant() - granted >= own_window / 4 : next_grant() != granted;
  }
};

}  // namespace uboard
