#include "usock/wait.hpp"

#include <cmath>
#include <limits>

namespace usock {

Wait Wait::from_timeout(std::optional<double> seconds) {
  if (!seconds) return forever();
  if (*seconds <= 0) return never();
  const auto span = std::chrono::duration<double>(*seconds);
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
