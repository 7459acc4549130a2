#pragma once
// The --max-time budget: one point in time every socket call is held to.

#include <chrono>
#include <optional>

namespace uhttpget {

class Deadline {
 public:
  // nullopt: no budget, calls wait as long as they must.
  explicit Deadline(std::optional<double> seconds);

  std::optional<double> budget() const noexcept { return budget_; }
  // Seconds left, never negative; nullopt without a budget.
  std::optional<double> remaining() const;
  bool passed() const;

 private:
  std::optional<double> budget_;
  std::chrono::steady_clock::time_point end_;
};

// Seconds from `start` to now, for the summary's timings.
double seconds_since(std::chrono::steady_clock::time_point start);

// The smaller of two limits, either of which may be absent.
std::optional<double> tighter(std::optional<double> a, std::optional<double> b);

}  // namespace uhttpget
