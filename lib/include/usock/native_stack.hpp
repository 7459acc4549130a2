#pragma once
// The Stack of this host's kernel: POSIX sockets, getaddrinfo and epoll.

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

}  // namespace usock
