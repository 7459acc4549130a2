#pragma once
// Poller: select.poll over the sockets of one Stack (epoll natively).
// Sockets are identified by a token chosen at registration, because a
// move-only Socket has no stable address to hand back.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "usock/backend.hpp"

namespace usock {

class Socket;
class Tracer;

class Poller {
 public:
  Poller(std::unique_ptr<PollerBackend> backend, Tracer* tracer);

  // poll.register(sock, events): events are pollev::* bits.
  void add(Socket& socket, unsigned events, std::uint64_t token);
  void modify(Socket& socket, unsigned events, std::uint64_t token);
  // poll.unregister(sock). A socket closed while registered leaves by itself.
  void remove(Socket& socket);
  // poll.poll(timeout_ms): nullopt or a negative value waits forever. Returns
  // the ready sockets' tokens and events (pollev::err/hup can come without
  // being asked for).
  const std::vector<PollEvent>& poll(std::optional<int> timeout_ms, std::size_t max_events = 256);

  // The stack's own poller, unnarrated: for a stack's extensions
  // (watch_fd) and for a program whose waits are its own machinery rather
  // than calls worth narrating (uboard's event loop).
  PollerBackend& backend() noexcept { return *backend_; }

 private:
  std::unique_ptr<PollerBackend> backend_;
  Tracer* tracer_;
  std::vector<PollEvent> ready_;
};

}  // namespace usock
