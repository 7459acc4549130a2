#include "port.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "usock/error.hpp"
#include "usock/sockaddr.hpp"

namespace uboard {
namespace {

// The TCP port is the board's serial line, not one of the calls it runs for
// the host, so it is plain POSIX: nothing of it is narrated by --trace.
int listen_on(const usock::LinkAddress& address) {
  const auto addr = usock::SockAddr::from_numeric(address.host, address.port);
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (addr.family() == usock::Family::inet6) {
    auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(addr.port());
    std::copy(addr.bytes().begin(), addr.bytes().end(), in6.sin6_addr.s6_addr);
    length = sizeof in6;
  } else {
    auto& in4 = reinterpret_cast<sockaddr_in&>(storage);
    in4.sin_family = AF_INET;
    in4.sin_port = htons(addr.port());
    std::copy(addr.bytes().begin(), addr.bytes().begin() + 4,
              reinterpret_cast<unsigned char*>(&in4.sin_addr));
    length = sizeof in4;
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw usock::OSError::from_errno(errno);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(fd, 4) != 0) {
    const int error = errno;
    ::close(fd);
    throw usock::OSError(error, "cannot listen on " + address.text() + ": " +
                                    usock::OSError::from_errno(error).reason());
  }
  return fd;
}

bool transient(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

}  // namespace

Port::Port(const LineOptions& options) {
  if (options.pty) {
    pty_.emplace();
    name_ = pty_->path();
    if (options.symlink) {
      ::unlink(options.symlink->c_str());
      if (::symlink(name_.c_str(), options.symlink->c_str()) != 0) {
        const int error = errno;
        throw usock::OSError(error, "cannot make the link " + *options.symlink + ": " +
                                        usock::OSError::from_errno(error).reason());
      }
      symlink_ = *options.symlink;
    }
  } else if (options.serial) {
    usock::LinkAddress address;
    address.path = *options.serial;
    link_.emplace(usock::Link::open(address, usock::Wait::never()));
    name_ = address.text();
  } else if (options.listen) {
    listen_fd_ = listen_on(*options.listen);
    name_ = options.listen->text();
  } else {
    usock::LinkAddress address;
    address.kind = usock::LinkAddress::Kind::stdio;
    link_.emplace(usock::Link::open(address));
    name_ = "stdio";
  }
}

Port::~Port() {
  drop_client();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (!symlink_.empty()) ::unlink(symlink_.c_str());
}

int Port::read_fd() const noexcept {
  if (pty_) return pty_->master_fd();
  if (link_) return link_->read_fd();
  return client_fd_;
}

int Port::write_fd() const noexcept {
  if (pty_) return pty_->master_fd();
  if (link_) return link_->write_fd();
  return client_fd_;
}

bool Port::accept_client() {
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return false;
  // A serial line hands bytes over as they come; Nagle's algorithm would
  // hold the paced trickle for the host's TCP ack and deliver it in bursts.
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  drop_client();
  client_fd_ = fd;
  return true;
}

void Port::drop_client() {
  if (client_fd_ >= 0) ::close(client_fd_);
  client_fd_ = -1;
}

std::optional<std::size_t> Port::read(std::span<char> buffer) {
  if (link_) {
    try {
      const std::size_t got = link_->read_some(buffer, usock::Wait::never());
      if (got == 0) return std::nullopt;
      return got;
    } catch (const usock::OSError& error) {
      if (transient(error.code())) return 0;
      throw;
    }
  }
  const int fd = read_fd();
  if (fd < 0) return std::nullopt;
  const ssize_t got = ::read(fd, buffer.data(), buffer.size());
  if (got > 0) return static_cast<std::size_t>(got);
  if (got < 0 && transient(errno)) return 0;
  // A pty master reads EIO while no one holds the terminal side; ours keeps
  // it open, so this is a TCP client that left.
  if (pty_) return 0;
  return std::nullopt;
}

std::optional<std::size_t> Port::write(std::string_view bytes) {
  if (link_) {
    try {
      return link_->write_some(bytes, usock::Wait::never());
    } catch (const usock::OSError& error) {
      if (transient(error.code())) return 0;
      return std::nullopt;
    }
  }
  const int fd = write_fd();
  if (fd < 0) return std::nullopt;
  // MSG_NOSIGNAL: a TCP client that left is an EPIPE, not a fatal signal.
  const ssize_t written = pty_ ? ::write(fd, bytes.data(), bytes.size())
                               : ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (written >= 0) return static_cast<std::size_t>(written);
  if (transient(errno)) return 0;
  if (pty_) return 0;
  return std::nullopt;
}

}  // namespace uboard
