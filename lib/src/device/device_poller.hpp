#pragma once
// select.poll over a device's sockets: readiness is read from the mirrors,
// and a wait sleeps on the session's condition variable, which the link
// thread signals whenever something arrives. Nothing goes on the wire.

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "mirror.hpp"
#include "session.hpp"
#include "usock/backend.hpp"

namespace usock::device {

class DevicePoller final : public PollerBackend {
 public:
  explicit DevicePoller(std::shared_ptr<Session> session) : session_(std::move(session)) {}

  void add(SocketBackend& socket, unsigned events, std::uint64_t token) override;
  void modify(SocketBackend& socket, unsigned events, std::uint64_t token) override;
  void remove(SocketBackend& socket) override;
  void wait(Wait wait, std::vector<PollEvent>& out, std::size_t max_events) override;

 private:
  struct Registration {
    std::shared_ptr<Mirror> mirror;
    unsigned events = 0;
    std::uint64_t token = 0;
  };

  // The mirror of a socket of this poller's session; EINVAL for another's.
  std::shared_ptr<Mirror> mirror_of(SocketBackend& socket) const;
  // Fills `out` with what is ready; whether anything is.
  bool collect(std::vector<PollEvent>& out, std::size_t max_events);

  std::shared_ptr<Session> session_;
  // Keyed by mirror, which outlives a closed socket's backend.
  std::map<const Mirror*, Registration> registered_;
};

}  // namespace usock::device
