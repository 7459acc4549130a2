#pragma once
// How long a blocking socket call may wait, derived from settimeout(): None
// waits forever, 0 never waits, t waits until a deadline computed once per
// call, so a sendall() or read(n) that loops is bounded as a whole.

#include <chrono>
#include <optional>

namespace usock {

using Clock = std::chrono::steady_clock;

class Wait {
 public:
  static Wait forever() { return Wait{Kind::forever, {}}; }
  static Wait never() { return Wait{Kind::never, {}}; }
  static Wait until(Clock::time_point deadline) { return Wait{Kind::until, deadline}; }
  // From a socket timeout: nullopt = forever, 0 = never, else now + seconds.
  static Wait from_timeout(std::optional<double> seconds);

  bool is_forever() const noexcept { return kind_ == Kind::forever; }
  bool is_never() const noexcept { return kind_ == Kind::never; }
  // Milliseconds left, for poll()/epoll_wait(): -1 forever, 0 when due,
  // rounded up so a wait never ends before its deadline.
  int remaining_ms() const;
  bool expired() const;

 private:
  enum class Kind { forever, never, until };
  Wait(Kind kind, Clock::time_point deadline) : kind_(kind), deadline_(deadline) {}
  Kind kind_;
  Clock::time_point deadline_;
};

}  // namespace usock
