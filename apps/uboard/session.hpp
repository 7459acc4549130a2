#pragma once
// The device side of a session (PROTOCOL.md 7): ANNOUNCE while no host is
// there, HELLO answered by HELLO_ACK, the host's calls dispatched to the
// socket table and the resolver, RESET for frames out of session and for
// protocol errors, BYE, and the end of a session whose host went silent.

#include <cstdint>
#include <map>
#include <string>

#include "resolver.hpp"
#include "socket_table.hpp"
#include "usock/proxy/endpoint.hpp"

namespace uboard {

// What the board says about itself in HELLO_ACK.
struct BoardIdentity {
  unsigned baud = 0;
  unsigned max_sockets = 64;
  std::string machine;
};

class Session {
 public:
  Session(SocketTable& sockets, Resolver& resolver, BoardIdentity identity);

  // A board that (re)started, or a new line to a host: no session, and an
  // ANNOUNCE with `boot_id` at once.
  void restart(usock::proxy::LinkEndpoint& link, std::uint32_t boot_id,
               usock::Clock::time_point now);
  void handle(usock::proxy::LinkEndpoint& link, const usock::proxy::LinkEndpoint::Event& event,
              usock::Clock::time_point now);
  // RESULTs of look-ups the resolver finished.
  void answer(usock::proxy::LinkEndpoint& link, const Resolver::Answer& answer);
  // Announcing, the end of a BYE, a host gone silent. `line_idle`: nothing
  // waits to be written, so an ANNOUNCE would not pile up behind a stalled port.
  void on_timer(usock::proxy::LinkEndpoint& link, usock::Clock::time_point now, bool line_idle);
  usock::Clock::time_point next_timer(const usock::proxy::LinkEndpoint& link) const;
  // Ends the session quietly (the host's line went away).
  void drop(usock::proxy::LinkEndpoint& link);

 private:
  void hello(usock::proxy::LinkEndpoint& link, const usock::proxy::Hello& hello,
             usock::Clock::time_point now);
  void sequenced(usock::proxy::LinkEndpoint& link, const usock::proxy::Header& header,
                 const usock::proxy::Message& message, usock::Clock::time_point now);
  void lookup(const usock::proxy::Header& header, const usock::proxy::Message& message);
  void reset(usock::proxy::LinkEndpoint& link, usock::proxy::ResetReason reason,
             std::string_view detail);
  void end(usock::proxy::LinkEndpoint& link, usock::Clock::time_point now);

  SocketTable& sockets_;
  Resolver& resolver_;
  BoardIdentity identity_;
  std::uint32_t boot_id_ = 0;
  bool active_ = false;
  std::uint32_t nonce_ = 0;
  std::string host_name_;
  usock::proxy::Hello hello_;  // of the current session; hello_.name views host_name_
  usock::Clock::time_point next_announce_;
  usock::Clock::time_point last_no_session_;
  usock::Clock::time_point bye_deadline_ = usock::Clock::time_point::max();
  // Look-ups on the resolver: req -> ticket. A cancelled one is forgotten,
  // so its late answer matches nothing.
  std::map<std::uint16_t, std::uint64_t> lookups_;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace uboard
