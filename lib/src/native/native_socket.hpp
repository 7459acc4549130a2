#pragma once
// A kernel socket. The descriptor is always non-blocking; waiting is done
// here with poll() so that one code path serves blocking, non-blocking and
// timed sockets alike (as CPython does).

#include <memory>

#include "usock/backend.hpp"

namespace usock::native {

class NativeSocket final : public SocketBackend {
 public:
  // Takes ownership of a non-blocking, close-on-exec descriptor.
  explicit NativeSocket(int fd) : fd_(fd) {}
  ~NativeSocket() override;
  static std::unique_ptr<NativeSocket> open(Family family, SockType type, int proto);

  int fd() const noexcept { return fd_; }

  void bind(const SockAddr& addr) override;
  void listen(int backlog) override;
  std::pair<std::unique_ptr<SocketBackend>, SockAddr> accept(Wait wait) override;
  void connect(const SockAddr& addr, Wait wait) override;
  std::size_t send(std::span<const char> data, int flags, Wait wait) override;
  std::size_t recv(std::span<char> buffer, int flags, Wait wait) override;
  std::size_t send_file(int file_fd, std::uint64_t offset, std::size_t count, Wait wait) override;
  std::size_t sendto(std::span<const char> data, const SockAddr& to, int flags, Wait wait) override;
  std::pair<std::size_t, SockAddr> recvfrom(std::span<char> buffer, int flags, Wait wait) override;
  void setsockopt(int level, int optname, std::span<const char> value) override;
  std::size_t getsockopt(int level, int optname, std::span<char> value) override;
  SockAddr getsockname() override;
  SockAddr getpeername() override;
  void shutdown(int how) override;
  TcpState tcp_state() override;
  void close() override;

 private:
  // Blocks until the descriptor is ready for `events` or `wait` runs out
  // (EAGAIN for never, ETIMEDOUT for a deadline).
  void await(short events, Wait wait) const;
  // Calls `attempt` until it succeeds, waiting for `events` on EAGAIN.
  template <class Attempt>
  std::size_t retry(short events, Wait wait, Attempt attempt) const;
  void set_keepalive_minutes(std::span<const char> value);

  int fd_;
};

}  // namespace usock::native
