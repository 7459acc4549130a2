#include "device_poller.hpp"

#include <cerrno>

#include "device_socket.hpp"

namespace usock::device {

std::shared_ptr<Mirror> DevicePoller::mirror_of(SocketBackend& socket) const {
  auto* device_socket = dynamic_cast<DeviceSocket*>(&socket);
  if (device_socket == nullptr || device_socket->session() != session_) {
    throw OSError(EINVAL, "the socket belongs to another stack");
  }
  return device_socket->mirror();
}

void DevicePoller::add(SocketBackend& socket, unsigned events, std::uint64_t token) {
  auto mirror = mirror_of(socket);
  auto lock = session_->lock();
  if (registered_.count(mirror.get()) != 0) throw OSError::from_errno(EEXIST);
  registered_.emplace(mirror.get(), Registration{mirror, events, token});
}

void DevicePoller::modify(SocketBackend& socket, unsigned events, std::uint64_t token) {
  auto mirror = mirror_of(socket);
  auto lock = session_->lock();
  const auto found = registered_.find(mirror.get());
  if (found == registered_.end()) throw OSError::from_errno(ENOENT);
  found->second.events = events;
  found->second.token = token;
}

void DevicePoller::remove(SocketBackend& socket) {
  auto mirror = mirror_of(socket);
  auto lock = session_->lock();
  if (registered_.erase(mirror.get()) == 0) throw OSError::from_errno(ENOENT);
}

bool DevicePoller::collect(std::vector<PollEvent>& out, std::size_t max_events) {
  out.clear();
  for (auto it = registered_.begin(); it != registered_.end();) {
    const Registration& entry = it->second;
    // A closed socket leaves every poller, as a closed descriptor leaves epoll.
    if (entry.mirror->closed) {
      it = registered_.erase(it);
      continue;
    }
    // Errors and hang-ups are reported whether asked for or not, as poll() does.
    const unsigned ready = entry.mirror->readiness() & (entry.events | pollev::err | pollev::hup);
    if (ready != 0 && out.size() < max_events) out.push_back(PollEvent{entry.token, ready});
    ++it;
  }
  return !out.empty();
}

void DevicePoller::wait(Wait wait, std::vector<PollEvent>& out, std::size_t max_events) {
  auto lock = session_->lock();
  // A deadline that passes is no error: the poll returns nothing.
  session_->wait_until(lock, wait, [&] { return collect(out, max_events); });
}

}  // namespace usock::device
