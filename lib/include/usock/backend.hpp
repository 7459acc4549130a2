#pragma once
// The seam between the usocket API and a network stack. A Stack hands out
// these backends; Socket and Poller add the API's semantics (timeouts, no
// short reads/writes, tracing) on top, so a stack implements only the
// primitive, single-attempt operations. Numbers are the portable ones of
// constants.hpp; each backend translates them to its own.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "usock/constants.hpp"
#include "usock/sockaddr.hpp"
#include "usock/wait.hpp"

namespace usock {

// Every operation that can block takes a Wait. With Wait::never() it must not
// block and raises OSError(EAGAIN) when it would; with a deadline it raises
// OSError(ETIMEDOUT) when the deadline passes first. Errors are OSError.
class SocketBackend {
 public:
  virtual ~SocketBackend() = default;

  virtual void bind(const SockAddr& addr) = 0;
  virtual void listen(int backlog) = 0;
  virtual std::pair<std::unique_ptr<SocketBackend>, SockAddr> accept(Wait wait) = 0;
  virtual void connect(const SockAddr& addr, Wait wait) = 0;
  // One transfer: may move fewer bytes than asked. recv returns 0 at EOF.
  virtual std::size_t send(std::span<const char> data, int flags, Wait wait) = 0;
  virtual std::size_t recv(std::span<char> buffer, int flags, Wait wait) = 0;
  // Sends up to `count` bytes of the open file `file_fd` from `offset`; may
  // send fewer. The portable way reads the file and calls send(); a stack
  // whose kernel can copy file to socket itself overrides it (sendfile(2)).
  virtual std::size_t send_file(int file_fd, std::uint64_t offset, std::size_t count, Wait wait);
  virtual std::size_t sendto(std::span<const char> data, const SockAddr& to, int flags,
                             Wait wait) = 0;
  virtual std::pair<std::size_t, SockAddr> recvfrom(std::span<char> buffer, int flags,
                                                    Wait wait) = 0;
  virtual void setsockopt(int level, int optname, std::span<const char> value) = 0;
  // Returns the number of bytes of the option value written into `value`.
  virtual std::size_t getsockopt(int level, int optname, std::span<char> value) = 0;
  virtual SockAddr getsockname() = 0;
  virtual SockAddr getpeername() = 0;
  // how: 0 = no more receives, 1 = no more sends, 2 = both (SHUT_RD/WR/RDWR).
  virtual void shutdown(int how) = 0;
  virtual TcpState tcp_state() = 0;
  // Releases the socket; further calls are not made by the front end. Must
  // neither throw nor block (destructors call it): a device stack queues the
  // close and finishes it in the background (PROTOCOL.md appendix A.2).
  virtual void close() = 0;
};

// One readiness event: the token given at registration and pollev::* bits.
struct PollEvent {
  std::uint64_t token;
  unsigned events;
};

class PollerBackend {
 public:
  virtual ~PollerBackend() = default;
  // The socket must come from the same stack as this poller; it stays
  // registered until removed or closed.
  virtual void add(SocketBackend& socket, unsigned events, std::uint64_t token) = 0;
  virtual void modify(SocketBackend& socket, unsigned events, std::uint64_t token) = 0;
  virtual void remove(SocketBackend& socket) = 0;
  // Waits for events; fills `out` (cleared first) with at most `max_events`.
  virtual void wait(Wait wait, std::vector<PollEvent>& out, std::size_t max_events) = 0;
};

}  // namespace usock
