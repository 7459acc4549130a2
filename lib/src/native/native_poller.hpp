#pragma once
// select.poll on epoll: level-triggered, so it behaves as poll() does.

#include <sys/epoll.h>

#include <vector>

#include "usock/backend.hpp"

namespace usock::native {

class NativePoller final : public PollerBackend {
 public:
  NativePoller();
  ~NativePoller() override;
  NativePoller(const NativePoller&) = delete;
  NativePoller& operator=(const NativePoller&) = delete;

  void add(SocketBackend& socket, unsigned events, std::uint64_t token) override;
  void modify(SocketBackend& socket, unsigned events, std::uint64_t token) override;
  void remove(SocketBackend& socket) override;
  void wait(Wait wait, std::vector<PollEvent>& out, std::size_t max_events) override;

  // A descriptor that is not a socket of this stack (usock::watch_fd).
  void watch_fd(int fd, unsigned events, std::uint64_t token);
  void unwatch_fd(int fd);

 private:
  void control(int op, int fd, unsigned events, std::uint64_t token);

  int epoll_fd_;
  std::vector<epoll_event> buffer_;
};

}  // namespace usock::native
