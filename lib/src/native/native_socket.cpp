#include "native_socket.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "convert.hpp"
#include "usock/error.hpp"

namespace usock::native {

NativeSocket::~NativeSocket() {
  close();
}

std::unique_ptr<NativeSocket> NativeSocket::open(Family family, SockType type, int proto) {
  const int fd = ::socket(to_native(family), to_native(type) | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) raise_errno(errno);
  return std::make_unique<NativeSocket>(fd);
}

void NativeSocket::await(short events, Wait wait) const {
  if (wait.is_never()) raise_errno(EAGAIN);
  pollfd entry{fd_, events, 0};
  while (true) {
    const int ready = ::poll(&entry, 1, wait.remaining_ms());
    if (ready > 0) return;
    if (ready < 0 && errno != EINTR) raise_errno(errno);
    if (wait.expired()) raise_errno(ETIMEDOUT);
  }
}

template <class Attempt>
std::size_t NativeSocket::retry(short events, Wait wait, Attempt attempt) const {
  while (true) {
    const auto result = attempt();
    if (result >= 0) return static_cast<std::size_t>(result);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) raise_errno(errno);
    await(events, wait);
  }
}

void NativeSocket::bind(const SockAddr& addr) {
  const NativeAddr native = to_native(addr);
  if (::bind(fd_, native.get(), native.length) != 0) raise_errno(errno);
}

void NativeSocket::listen(int backlog) {
  if (::listen(fd_, backlog) != 0) raise_errno(errno);
}

std::pair<std::unique_ptr<SocketBackend>, SockAddr> NativeSocket::accept(Wait wait) {
  sockaddr_storage peer{};
  socklen_t length = sizeof peer;
  const auto fd = retry(POLLIN, wait, [&] {
    length = sizeof peer;
    return ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &length,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
  });
  auto conn = std::make_unique<NativeSocket>(static_cast<int>(fd));
  return {std::move(conn), from_native(reinterpret_cast<sockaddr*>(&peer), length)};
}

void NativeSocket::connect(const SockAddr& addr, Wait wait) {
  const NativeAddr native = to_native(addr);
  if (::connect(fd_, native.get(), native.length) == 0) return;
  // EINTR leaves the connection under way, exactly like EINPROGRESS.
  if (errno != EINPROGRESS && errno != EINTR) raise_errno(errno);
  if (wait.is_never()) raise_errno(EINPROGRESS);
  await(POLLOUT, wait);
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) raise_errno(errno);
  if (error != 0) raise_errno(error);
}

std::size_t NativeSocket::send(std::span<const char> data, int flags, Wait wait) {
  // MSG_NOSIGNAL: a peer that went away is an EPIPE error, not a fatal signal.
  const int native_flags = to_native_msg_flags(flags) | MSG_NOSIGNAL;
  return retry(POLLOUT, wait, [&] { return ::send(fd_, data.data(), data.size(), native_flags); });
}

std::size_t NativeSocket::send_file(int file_fd, std::uint64_t offset, std::size_t count,
                                    Wait wait) {
  return retry(POLLOUT, wait, [&] {
    auto position = static_cast<off_t>(offset);
    return ::sendfile(fd_, file_fd, &position, count);
  });
}

std::size_t NativeSocket::recv(std::span<char> buffer, int flags, Wait wait) {
  const int native_flags = to_native_msg_flags(flags);
  return retry(POLLIN, wait,
               [&] { return ::recv(fd_, buffer.data(), buffer.size(), native_flags); });
}

std::size_t NativeSocket::sendto(std::span<const char> data, const SockAddr& to, int flags,
                                 Wait wait) {
  const NativeAddr native = to_native(to);
  const int native_flags = to_native_msg_flags(flags) | MSG_NOSIGNAL;
  return retry(POLLOUT, wait, [&] {
    return ::sendto(fd_, data.data(), data.size(), native_flags, native.get(), native.length);
  });
}

std::pair<std::size_t, SockAddr> NativeSocket::recvfrom(std::span<char> buffer, int flags,
                                                        Wait wait) {
  const int native_flags = to_native_msg_flags(flags);
  sockaddr_storage peer{};
  socklen_t length = sizeof peer;
  const auto size = retry(POLLIN, wait, [&] {
    length = sizeof peer;
    return ::recvfrom(fd_, buffer.data(), buffer.size(), native_flags,
                      reinterpret_cast<sockaddr*>(&peer), &length);
  });
  return {size, from_native(reinterpret_cast<sockaddr*>(&peer), length)};
}

void NativeSocket::set_keepalive_minutes(std::span<const char> value) {
  int minutes = 0;
  if (value.size() != sizeof minutes) raise_errno(EINVAL);
  std::memcpy(&minutes, value.data(), sizeof minutes);
  // QuecPython documents 1-120 minutes.
  if (minutes < 1 || minutes > 120) raise_errno(EINVAL);
  const int on = 1;
  const int seconds = minutes * 60;
  if (::setsockopt(fd_, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0 ||
      ::setsockopt(fd_, IPPROTO_TCP, TCP_KEEPIDLE, &seconds, sizeof seconds) != 0 ||
      ::setsockopt(fd_, IPPROTO_TCP, TCP_KEEPINTVL, &seconds, sizeof seconds) != 0) {
    raise_errno(errno);
  }
}

void NativeSocket::setsockopt(int level, int optname, std::span<const char> value) {
  if (level == sol::tcp && optname == tcpopt::keepalive) return set_keepalive_minutes(value);
  const NativeOption native = to_native_option(level, optname);
  if (::setsockopt(fd_, native.level, native.optname, value.data(),
                   static_cast<socklen_t>(value.size())) != 0) {
    raise_errno(errno);
  }
}

std::size_t NativeSocket::getsockopt(int level, int optname, std::span<char> value) {
  const NativeOption native = to_native_option(level, optname);
  auto length = static_cast<socklen_t>(value.size());
  if (::getsockopt(fd_, native.level, native.optname, value.data(), &length) != 0) {
    raise_errno(errno);
  }
  return length;
}

SockAddr NativeSocket::getsockname() {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) raise_errno(errno);
  return from_native(reinterpret_cast<sockaddr*>(&addr), length);
}

SockAddr NativeSocket::getpeername() {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) raise_errno(errno);
  return from_native(reinterpret_cast<sockaddr*>(&addr), length);
}

void NativeSocket::shutdown(int how) {
  if (::shutdown(fd_, how) != 0) raise_errno(errno);
}

TcpState NativeSocket::tcp_state() {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd_, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return TcpState::unknown;
  return from_native_tcp_state(info.tcpi_state);
}

void NativeSocket::close() {
  if (fd_ < 0) return;
  // Linux frees the descriptor even when close() reports EINTR: never retry.
  ::close(fd_);
  fd_ = -1;
}

}  // namespace usock::native
