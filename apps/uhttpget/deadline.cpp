#include "deadline.hpp"

#include <algorithm>

namespace uhttpget {

using Clock = std::chrono::steady_clock;

Deadline::Deadline(std::optional<double> seconds) : budget_(seconds) {
  if (seconds) {
    end_ = Clock::now() +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*seconds));
  }
}

std::optional<double> Deadline::remaining() const {
  if (!budget_) return std::nullopt;
  return std::max(0.0, std::chrono::duration<double>(end_ - Clock::now()).count());
}

bool Deadline::passed() const {
  return budget_ && Clock::now() >= end_;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::optional<double> tighter(std::optional<double> a, std::optional<double> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace uhttpget
