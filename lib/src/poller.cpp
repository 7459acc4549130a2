#include "usock/poller.hpp"

#include <string>

#include "traced.hpp"
#include "usock/socket.hpp"

namespace usock {
namespace {

std::string events_repr(unsigned events) {
  std::string out;
  const auto add = [&](unsigned bit, const char* name) {
    if (!(events & bit)) return;
    if (!out.empty()) out += " | ";
    out += name;
  };
  add(pollev::in, "select.POLLIN");
  add(pollev::out, "select.POLLOUT");
  add(pollev::err, "select.POLLERR");
  add(pollev::hup, "select.POLLHUP");
  return out.empty() ? "0" : out;
}

}  // namespace

Poller::Poller(std::unique_ptr<PollerBackend> backend, Tracer* tracer)
    : backend_(std::move(backend)), tracer_(tracer) {}

void Poller::add(Socket& socket, unsigned events, std::uint64_t token) {
  detail::traced(
      tracer_,
      [&] { return "poller.register(" + socket.name() + ", " + events_repr(events) + ")"; },
      [&] { backend_->add(socket.backend(), events, token); });
}

void Poller::modify(Socket& socket, unsigned events, std::uint64_t token) {
  detail::traced(
      tracer_, [&] { return "poller.modify(" + socket.name() + ", " + events_repr(events) + ")"; },
      [&] { backend_->modify(socket.backend(), events, token); });
}

void Poller::remove(Socket& socket) {
  detail::traced(
      tracer_, [&] { return "poller.unregister(" + socket.name() + ")"; },
      [&] { backend_->remove(socket.backend()); });
}

const std::vector<PollEvent>& Poller::poll(std::optional<int> timeout_ms, std::size_t max_events) {
  // A negative timeout waits forever, as in MicroPython's poll.poll(-1) and poll(2).
  const Wait wait = !timeout_ms || *timeout_ms < 0 ? Wait::forever()
                    : *timeout_ms == 0
                        ? Wait::never()
                        : Wait::until(Clock::now() + std::chrono::milliseconds(*timeout_ms));
  detail::traced(
      tracer_,
      [&] { return "poller.poll(" + (timeout_ms ? std::to_string(*timeout_ms) : "") + ")"; },
      [&] { backend_->wait(wait, ready_, max_events); });
  if (tracer_) {
    std::string shown = "[";
    for (std::size_t i = 0; i < ready_.size(); ++i) {
      if (i > 0) shown += ", ";
      shown += "(<" + std::to_string(ready_[i].token) + ">, " + events_repr(ready_[i].events) + ")";
    }
    tracer_->result(shown + "]");
  }
  return ready_;
}

}  // namespace usock
