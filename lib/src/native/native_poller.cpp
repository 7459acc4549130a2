#include "native_poller.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "convert.hpp"
#include "native_socket.hpp"
#include "usock/error.hpp"

namespace usock::native {
namespace {

std::uint32_t to_epoll(unsigned events) {
  std::uint32_t out = 0;
  if (events & pollev::in) out |= EPOLLIN;
  if (events & pollev::out) out |= EPOLLOUT;
  return out;
}

unsigned from_epoll(std::uint32_t events) {
  unsigned out = 0;
  if (events & EPOLLIN) out |= pollev::in;
  if (events & EPOLLOUT) out |= pollev::out;
  if (events & EPOLLERR) out |= pollev::err;
  if (events & EPOLLHUP) out |= pollev::hup;
  return out;
}

int fd_of(SocketBackend& socket) {
  auto* native = dynamic_cast<NativeSocket*>(&socket);
  // A socket of another stack cannot be waited on by the kernel's epoll.
  if (native == nullptr) raise_errno(EINVAL);
  return native->fd();
}

}  // namespace

NativePoller::NativePoller() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) raise_errno(errno);
}

NativePoller::~NativePoller() {
  ::close(epoll_fd_);
}

void NativePoller::control(int op, int fd, unsigned events, std::uint64_t token) {
  epoll_event event{};
  event.events = to_epoll(events);
  event.data.u64 = token;
  if (::epoll_ctl(epoll_fd_, op, fd, &event) != 0) raise_errno(errno);
}

void NativePoller::add(SocketBackend& socket, unsigned events, std::uint64_t token) {
  control(EPOLL_CTL_ADD, fd_of(socket), events, token);
}

void NativePoller::modify(SocketBackend& socket, unsigned events, std::uint64_t token) {
  control(EPOLL_CTL_MOD, fd_of(socket), events, token);
}

void NativePoller::watch_fd(int fd, unsigned events, std::uint64_t token) {
  epoll_event event{};
  event.events = to_epoll(events);
  event.data.u64 = token;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) == 0) return;
  if (errno != ENOENT) raise_errno(errno);
  control(EPOLL_CTL_ADD, fd, events, token);
}

void NativePoller::unwatch_fd(int fd) {
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) != 0) raise_errno(errno);
}

void NativePoller::remove(SocketBackend& socket) {
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd_of(socket), nullptr) != 0) raise_errno(errno);
}

void NativePoller::wait(Wait wait, std::vector<PollEvent>& out, std::size_t max_events) {
  out.clear();
  buffer_.resize(std::max<std::size_t>(max_events, 1));
  while (true) {
    const int count = ::epoll_wait(epoll_fd_, buffer_.data(), static_cast<int>(buffer_.size()),
                                   wait.remaining_ms());
    if (count < 0) {
      if (errno != EINTR) raise_errno(errno);
      // A signal: give the caller its chance to look at flags it set.
      return;
    }
    for (int i = 0; i < count; ++i) {
      out.push_back(PollEvent{buffer_[i].data.u64, from_epoll(buffer_[i].events)});
    }
    if (count > 0 || wait.is_never() || wait.expired()) return;
  }
}

}  // namespace usock::native
