#pragma once
// A socket on the board, as the application's threads see it: every
// operation reads or changes the socket's mirror under the session's lock,
// queues what must go to the device, and waits on the session's condition
// variable when the mirror cannot answer yet (PROTOCOL.md 10).

#include <map>
#include <memory>
#include <string>

#include "mirror.hpp"
#include "session.hpp"
#include "usock/backend.hpp"

namespace usock::device {

class DeviceSocket final : public SocketBackend {
 public:
  DeviceSocket(std::shared_ptr<Session> session, std::shared_ptr<Mirror> mirror)
      : session_(std::move(session)), mirror_(std::move(mirror)) {}
  ~DeviceSocket() override { close(); }
  DeviceSocket(const DeviceSocket&) = delete;
  DeviceSocket& operator=(const DeviceSocket&) = delete;

  const std::shared_ptr<Session>& session() const noexcept { return session_; }
  const std::shared_ptr<Mirror>& mirror() const noexcept { return mirror_; }

  void bind(const SockAddr& addr) override;
  void listen(int backlog) override;
  std::pair<std::unique_ptr<SocketBackend>, SockAddr> accept(Wait wait) override;
  void connect(const SockAddr& addr, Wait wait) override;
  std::size_t send(std::span<const char> data, int flags, Wait wait) override;
  std::size_t recv(std::span<char> buffer, int flags, Wait wait) override;
  std::size_t sendto(std::span<const char> data, const SockAddr& to, int flags, Wait wait) override;
  std::pair<std::size_t, SockAddr> recvfrom(std::span<char> buffer, int flags, Wait wait) override;
  void setsockopt(int level, int optname, std::span<const char> value) override;
  std::size_t getsockopt(int level, int optname, std::span<char> value) override;
  SockAddr getsockname() override;
  SockAddr getpeername() override;
  void shutdown(int how) override;
  TcpState tcp_state() override;
  void close() noexcept override;

 private:
  using Lock = Session::Lock;

  // Raises what makes the socket unusable now: the session's failure, a
  // closed socket, a failure a call that was not awaited left behind.
  void check_usable();
  std::size_t send_stream(Lock& lock, std::span<const char> data, Wait wait);
  std::size_t send_datagram(Lock& lock, std::span<const char> data, const SockAddr& to, Wait wait);
  std::size_t recv_stream(Lock& lock, std::span<char> buffer, int flags, Wait wait);
  std::pair<std::size_t, SockAddr> recv_datagram(Lock& lock, std::span<char> buffer, int flags,
                                                 Wait wait);
  void connect_stream(Lock& lock, const SockAddr& addr, Wait wait);

  std::shared_ptr<Session> session_;
  std::shared_ptr<Mirror> mirror_;
  bool closed_ = false;
  // SO_RCVTIMEO and SO_SNDTIMEO never reach the board (Socket's own timeout
  // bounds every wait); their values are kept for getsockopt.
  std::map<int, std::string> timeouts_;
};

}  // namespace usock::device
