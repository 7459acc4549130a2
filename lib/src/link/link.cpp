#include "usock/link.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <utility>

#include "usock/error.hpp"
#include "usock/serial.hpp"

namespace usock {
namespace {

// stdout may be a blocking pipe shared with others: one write of at most
// PIPE_BUF bytes after POLLOUT cannot block.
constexpr std::size_t kStdioWriteLimit = 512;

[[noreturn]] void raise_with(int code, const std::string& what) {
  throw OSError(code, what + ": " + OSError::from_errno(code).reason());
}

int open_serial(const LinkAddress& address) {
  const int fd = ::open(address.path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) raise_with(errno, "cannot open serial port " + address.path);
  // Linux raises DTR and RTS on open; dropping them within microseconds is
  // shorter than the RC delay of ESP boards' auto-reset circuit.
  drop_modem_lines(fd);
  if (!::isatty(fd)) {
    ::close(fd);
    throw OSError(ENOTTY, address.path + " is not a serial port or terminal");
  }
  try {
    make_raw_serial(fd, address.baud);
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

void wait_for(int fd, short events, Wait wait) {
  pollfd entry{fd, events, 0};
  while (true) {
    const int ready = ::poll(&entry, 1, wait.remaining_ms());
    if (ready > 0) return;
    if (ready < 0 && errno != EINTR) raise_with(errno, "poll");
    if (wait.expired()) throw OSError::from_errno(ETIMEDOUT);
  }
}

// A terminal whose other side is gone polls POLLHUP, and reads nothing.
bool hung_up(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) > 0 && (entry.revents & (POLLHUP | POLLERR)) != 0;
}

// One connection attempt; the socket on success, -1 with `error` set if not.
int try_connect(const addrinfo& info, Wait wait, int& error) {
  const int fd = ::socket(info.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno;
    return -1;
  }
  if (::connect(fd, info.ai_addr, info.ai_addrlen) != 0 && errno != EINPROGRESS) {
    error = errno;
    ::close(fd);
    return -1;
  }
  try {
    wait_for(fd, POLLOUT, wait);
  } catch (...) {
    ::close(fd);
    throw;
  }
  socklen_t length = sizeof error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
  if (error != 0) {
    ::close(fd);
    return -1;
  }
  // Frames are small and latency-bound: never hold one back.
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  return fd;
}

int connect_tcp(const LinkAddress& address, Wait wait) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (const int code = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found)) {
    throw OSError(EHOSTUNREACH, "cannot resolve " + address.host + ": " + ::gai_strerror(code));
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, ::freeaddrinfo);
  int error = EHOSTUNREACH;
  for (const addrinfo* info = found; info != nullptr; info = info->ai_next) {
    const int fd = try_connect(*info, wait, error);
    if (fd >= 0) return fd;
  }
  raise_with(error, "cannot connect to " + address.text());
}

}  // namespace

Link Link::open(const LinkAddress& address, Wait wait) {
  switch (address.kind) {
    case LinkAddress::Kind::serial: {
      const int fd = open_serial(address);
      return Link(address, fd, fd, true);
    }
    case LinkAddress::Kind::tcp: {
      const int fd = connect_tcp(address, wait);
      return Link(address, fd, fd, true);
    }
    case LinkAddress::Kind::stdio:
      break;
  }
  return Link(address, STDIN_FILENO, STDOUT_FILENO, false);
}

Link::Link(LinkAddress address, int in_fd, int out_fd, bool owns_fds)
    : address_(std::move(address)), in_fd_(in_fd), out_fd_(out_fd), owns_fds_(owns_fds) {}

Link::Link(Link&& other) noexcept
    : address_(std::move(other.address_)),
      in_fd_(std::exchange(other.in_fd_, -1)),
      out_fd_(std::exchange(other.out_fd_, -1)),
      owns_fds_(other.owns_fds_) {}

Link& Link::operator=(Link&& other) noexcept {
  if (this != &other) {
    close();
    address_ = std::move(other.address_);
    in_fd_ = std::exchange(other.in_fd_, -1);
    out_fd_ = std::exchange(other.out_fd_, -1);
    owns_fds_ = other.owns_fds_;
  }
  return *this;
}

Link::~Link() {
  close();
}

void Link::close() noexcept {
  if (owns_fds_ && in_fd_ >= 0) ::close(in_fd_);
  in_fd_ = out_fd_ = -1;
}

void Link::await(int fd, short events, Wait wait) const {
  if (wait.is_never()) throw OSError::from_errno(EAGAIN);
  wait_for(fd, events, wait);
}

std::size_t Link::read_some(std::span<char> buffer, Wait wait) {
  if (in_fd_ < 0) throw OSError::from_errno(EBADF);
  // stdin is not ours to make non-blocking: wait first, then read once.
  if (!owns_fds_) await(in_fd_, POLLIN, wait);
  const bool serial = address_.kind == LinkAddress::Kind::serial;
  while (true) {
    const ssize_t got = ::read(in_fd_, buffer.data(), buffer.size());
    if (got > 0) return static_cast<std::size_t>(got);
    if (got < 0 && errno == EINTR) continue;
    // The other side of a pty closed, or a USB serial adapter was unplugged.
    if (got < 0 && errno == EIO) return 0;
    if (got < 0 && errno != EAGAIN) raise_with(errno, "cannot read from " + address_.text());
    // A raw serial port with VMIN 0 reads 0 when it is merely empty; a
    // socket or a pipe reads 0 only at its end.
    if (got == 0 && (!serial || hung_up(in_fd_))) return 0;
    await(in_fd_, POLLIN, wait);
  }
}

std::size_t Link::write_some(std::string_view data, Wait wait) {
  if (out_fd_ < 0) throw OSError::from_errno(EBADF);
  if (!owns_fds_) {
    await(out_fd_, POLLOUT, wait);
    data = data.substr(0, kStdioWriteLimit);
  }
  while (true) {
    const ssize_t written = ::write(out_fd_, data.data(), data.size());
    if (written >= 0) return static_cast<std::size_t>(written);
    if (errno == EINTR) continue;
    if (errno != EAGAIN) raise_with(errno, "cannot write to " + address_.text());
    await(out_fd_, POLLOUT, wait);
  }
}

}  // namespace usock
