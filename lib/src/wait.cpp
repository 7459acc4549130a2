#include "usock/wait.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace usock {

// Far beyond any wait a user means (about 31 years), and well inside what a
// steady_clock time_point in nanoseconds holds (about 292 years): longer
// timeouts, legal in Python, are cut to this instead of overflowing.
constexpr double kLongestTimeout = 1e9;

Wait Wait::from_timeout(std::optional<double> seconds) {
  if (!seconds) return forever();
  if (!(*seconds > 0)) return never();  // NaN included
  const auto span = std::chrono::duration<double>(std::min(*seconds, kLongestTimeout));
  return until(Clock::now() + std::chrono::duration_cast<Clock::duration>(span));
}

int Wait::remaining_ms() const {
  switch (kind_) {
    case Kind::forever:
      return -1;
    case Kind::never:
      return 0;
    case Kind::until:
      break;
  }
  const auto left = deadline_ - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                                              : static_cast<int>(ms);
}

bool Wait::expired() const {
  return kind_ == Kind::until && Clock::now() >= deadline_;
}

}  // namespace usock
