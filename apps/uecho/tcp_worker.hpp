#pragma once
// One TCP echo event loop: a listener of its own (the kernel spreads clients
// over workers through SO_REUSEPORT) and every connection it accepted, all
// non-blocking on one Poller. A connection whose peer stops reading keeps its
// unsent echo and is no longer read from (backpressure reaches the sender),
// while the loop goes on serving everyone else.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli.hpp"
#include "reporter.hpp"
#include "usock/stack.hpp"

namespace uecho {

class TcpWorker {
 public:
  TcpWorker(usock::Stack& stack, usock::Socket listener, const ServerOptions& options,
            Reporter& reporter);
  // Serves until `stopping` is set (checked a few times a second), or with
  // --once until the first client has gone.
  void run(const std::atomic<bool>& stopping);

 private:
  struct Connection {
    std::uint64_t token;
    usock::Socket socket;
    usock::SockAddr peer;
    std::string unsent;  // echo the peer has not taken yet
    usock::Clock::time_point last_active;
  };

  // The next waiting client, or nullopt when none is (or none can be) taken.
  std::optional<std::pair<usock::Socket, usock::SockAddr>> accept_one();
  void accept_clients();
  void serve(std::uint64_t token);
  // Reads once and echoes; false when the connection ended.
  bool echo(Connection& connection);
  // Sends what is left of the echo; false when the connection ended.
  bool flush(Connection& connection);
  void close(std::uint64_t token, std::string_view why);
  void close_idle();
  bool done() const;

  usock::Socket listener_;
  const ServerOptions& options_;
  Reporter& reporter_;
  usock::Poller poller_;
  std::unordered_map<std::uint64_t, Connection> connections_;
  std::uint64_t next_token_ = 1;
  bool listening_ = true;
  bool served_one_ = false;
  std::vector<char> buffer_;
  usock::Clock::time_point next_idle_check_;
};

}  // namespace uecho
