#pragma once
// One UDP echo loop: each datagram goes back to its sender as it came,
// empty datagrams included (for UDP, zero bytes is a message, not EOF).

#include <atomic>

#include "cli.hpp"
#include "reporter.hpp"
#include "usock/stack.hpp"

namespace uecho {

class UdpWorker {
 public:
  UdpWorker(usock::Stack& stack, usock::Socket socket, const ServerOptions& options,
            Reporter& reporter);
  // Serves until `stopping` is set, or with --once after the first datagram.
  void run(const std::atomic<bool>& stopping);

 private:
  usock::Socket socket_;
  const ServerOptions& options_;
  Reporter& reporter_;
  usock::Poller poller_;
};

}  // namespace uecho
