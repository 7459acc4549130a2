#pragma once
// The board: one loop that moves bytes between the port and the link
// endpoint through the emulated line, serves the sockets and the resolver,
// and plays a reset when --reset-after says so. Everything it waits for is
// in one epoll set of the native stack (usock::watch_fd), so the loop is a
// single thread; only look-ups run beside it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>

#include "cli.hpp"
#include "emulation.hpp"
#include "port.hpp"
#include "resolver.hpp"
#include "session.hpp"
#include "socket_table.hpp"
#include "usock/poller.hpp"
#include "usock/proxy/endpoint.hpp"
#include "usock/stack.hpp"

namespace uboard {

class Board {
 public:
  Board(const Cli& cli, usock::Stack& stack, Port& port);
  // Serves until `stop` is set (SIGINT, SIGTERM) or stdin ends.
  void run(const std::atomic<bool>& stop);

 private:
  usock::Clock::time_point next_state_log_;
  void fresh_link(usock::Clock::time_point now);
  void reset_board(usock::Clock::time_point now);
  void host_left();
  // Each returns false when the port is gone.
  bool pump_in(usock::Clock::time_point now);
  bool pump_out(usock::Clock::time_point now);
  void wait(usock::Clock::time_point now);
  std::uint32_t new_boot_id();

  const Cli& cli_;
  Port& port_;
  usock::Poller poller_;
  SocketTable sockets_;
  Resolver resolver_;
  Session session_;
  usock::proxy::EndpointConfig config_;
  std::unique_ptr<usock::proxy::LinkEndpoint> link_;
  LineDirection inbound_;
  LineDirection outbound_;
  std::mt19937 boot_random_;
  std::uint64_t wire_bytes_ = 0;
  bool reset_done_ = false;
  bool port_readable_ = false;
  bool port_writable_ = true;
  bool resolver_ready_ = false;
  bool stdin_ended_ = false;
  unsigned watched_port_ = 0;
  unsigned watched_out_ = 0;
};

}  // namespace uboard
