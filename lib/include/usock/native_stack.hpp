#pragma once
// The Stack of this host's kernel: POSIX sockets, getaddrinfo and epoll.

#include <cstdint>

#include "usock/stack.hpp"

namespace usock {

class NativeStack final : public Stack {
 public:
  std::string description() const override { return "native"; }

 protected:
  std::vector<AddrInfo> do_getaddrinfo(std::optional<std::string_view> host,
                                       std::optional<std::string_view> port,
                                       const AddrHints& hints) override;
  NameInfo do_getnameinfo(const SockAddr& addr, int flags) override;
  std::unique_ptr<SocketBackend> do_socket(Family family, SockType type, int proto) override;
  std::unique_ptr<PollerBackend> do_poll() override;
};

// A program that serves native sockets and another descriptor in one loop
// (uboard: its serial line and a resolver's wake-up) registers that
// descriptor with a poller of a NativeStack; it is reported under `token`
// like a socket, with pollev bits. Watching a descriptor again changes its
// events. One epoll set for everything, so no second thread or wake-up pipe
// is needed to wait on both. Raise OSError(EINVAL) for a poller of another
// stack.
void watch_fd(Poller& poller, int fd, unsigned events, std::uint64_t token);
void unwatch_fd(Poller& poller, int fd);

}  // namespace usock
