#pragma once
// Loopback sockets for tests: a listener on a port the kernel picks and a
// connected TCP pair, on 127.0.0.1 or ::1. Never a fixed port, so test
// binaries can run in parallel with each other and with other builds.

#include <string>
#include <utility>

#include "usock/native_stack.hpp"

namespace usock::test {

// Long enough never to fire on a slow, loaded machine; short enough that a
// bug which loses data ends the test with ETIMEDOUT instead of a hang.
inline constexpr double kBound = 20.0;

inline SockAddr loopback(Family family, std::uint16_t port = 0) {
  return SockAddr::from_numeric(family == Family::inet6 ? "::1" : "127.0.0.1", port);
}

inline Socket listener(Stack& stack, Family family) {
  Socket server = stack.socket(family, SockType::stream, 0, "server");
  server.bind(loopback(family));
  server.listen();
  server.settimeout(kBound);
  return server;
}

// client and server ends of one TCP connection, both bounded by kBound.
struct Pair {
  Socket client;
  Socket server;
};

inline Pair connected_pair(Stack& stack, Family family) {
  Socket server = listener(stack, family);
  Socket client = stack.socket(family, SockType::stream, 0, "client");
  client.settimeout(kBound);
  // On loopback the kernel completes the handshake into the backlog, so the
  // connect returns before accept() runs: one thread is enough.
  client.connect(server.getsockname());
  auto [conn, addr] = server.accept();
  conn.settimeout(kBound);
  return Pair{std::move(client), std::move(conn)};
}

}  // namespace usock::test
