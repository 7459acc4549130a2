#pragma once
// Python's socket.create_connection: resolve, then try each address in the
// resolver's order until one connects, so a host with an unreachable IPv6
// address still connects over IPv4.

#include <optional>
#include <string_view>

#include "usock/socket.hpp"
#include "usock/stack.hpp"

namespace usock {

struct ConnectOptions {
  Family family = Family::unspec;
  SockType type = SockType::stream;
  // Bounds each connect attempt; the socket keeps it for later calls.
  std::optional<double> timeout;
};

// Raises the resolver's error, or the last address's connect error.
Socket create_connection(Stack& stack, std::string_view host, std::string_view port,
                         const ConnectOptions& options = {});

}  // namespace usock
