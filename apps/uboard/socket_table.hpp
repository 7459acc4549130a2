#pragma once
// The sockets of a session and the calls, data and events that concern them
// (PROTOCOL.md 8.3-8.5), run on the native stack with non-blocking sockets
// served by the board's one poll loop. Socket ids are the wire's: 1-127
// chosen by the host, 128-254 by the device for accepted connections.

#include <cstdint>
#include <map>
#include <memory>

#include "device_socket.hpp"
#include "usock/error.hpp"
#include "usock/poller.hpp"
#include "usock/proxy/endpoint.hpp"
#include "usock/proxy/message.hpp"
#include "usock/stack.hpp"

namespace uboard {

struct SocketLimits {
  unsigned max_sockets = 64;
  std::uint32_t sock_buf = 65536;  // our window for host-to-device data
  std::uint32_t sockwin = 65536;   // the host's, device-to-host (HELLO)
  std::uint8_t acceptwin = 4;      // the host's accept credit (HELLO)
};

class SocketTable {
 public:
  SocketTable(usock::Stack& stack, usock::Poller& poller);
  ~SocketTable();
  SocketTable(const SocketTable&) = delete;
  SocketTable& operator=(const SocketTable&) = delete;

  // A new session's limits; the table must be empty.
  void set_limits(const SocketLimits& limits) { limits_ = limits; }

  // A call with a socket id (SOCKET ... GETPEERNAME) or POLL.
  void call(usock::proxy::LinkEndpoint& link, const usock::proxy::Header& header,
            const usock::proxy::Message& message);
  // DATA, DGRAM and WINDOW from the host. Throws MalformedMessage for data
  // beyond the credit we granted.
  void data(usock::proxy::LinkEndpoint& link, std::uint8_t id, const usock::proxy::Data& data);
  void dgram(usock::proxy::LinkEndpoint& link, std::uint8_t id, const usock::proxy::Dgram& dgram);
  void window(std::uint8_t id, std::uint32_t limit);
  // CANCEL of a CONNECT; false if `req` is no call pending here.
  bool cancel(usock::proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t id);
  bool pending(std::uint16_t req) const;

  // Readiness from the poller: tokens 1-254 are socket ids.
  void on_ready(std::uint8_t id, unsigned events);
  // Moves data and events within the credits, finishes waiting calls and
  // registers with the poller what each socket now waits for.
  void service(usock::proxy::LinkEndpoint& link, usock::Clock::time_point now);
  // When a lingering close gives up; time_point::max() if none.
  usock::Clock::time_point next_timer() const;

  // Closes every socket abortively (a reset board, a replaced session).
  void close_all();
  std::size_t size() const noexcept { return sockets_.size(); }

 private:
  using Entry = std::map<std::uint8_t, std::unique_ptr<DeviceSocket>>::iterator;

  void socket_call(usock::proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t id,
                   const usock::proxy::SocketCall& call);
  void poll_call(usock::proxy::LinkEndpoint& link, std::uint16_t req,
                 const usock::proxy::PollCall& call);
  void socket_op(usock::proxy::LinkEndpoint& link, std::uint16_t req, DeviceSocket& socket,
                 std::uint8_t id, const usock::proxy::Message& message);
  void accept_ready(usock::proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& listener);
  void read_ready(usock::proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket);
  void push_datagram(usock::proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket);
  void write_ready(usock::proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket);
  void finish_connect(usock::proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket);
  void send_grant(usock::proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket);
  // Runs the SHUTDOWN/CLOSE waiting for the socket's data; true if it closed.
  bool finish_deferred(usock::proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket,
                       usock::Clock::time_point now);
  void break_socket(usock::proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket,
                    const usock::OSError& error);
  void watch(std::uint8_t id, DeviceSocket& socket, unsigned events);
  void erase(std::uint8_t id, bool abortive);
  std::optional<std::uint8_t> free_device_id() const;
  bool may_read(const DeviceSocket& socket, const usock::proxy::LinkEndpoint& link) const;

  usock::Stack& stack_;
  usock::Poller& poller_;
  SocketLimits limits_;
  std::map<std::uint8_t, std::unique_ptr<DeviceSocket>> sockets_;
};

}  // namespace uboard
