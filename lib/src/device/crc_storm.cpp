#include "crc_storm.hpp"

#include <algorithm>
#include <chrono>

namespace usock::device {
namespace {

constexpr std::size_t kMostValid = 1;
constexpr std::size_t kLeastRecentDamaged = 16;
constexpr auto kRecent = std::chrono::seconds(2);

}  // namespace

void CrcStorm::valid_frames(std::uint64_t count) {
  for (std::uint64_t i = 0; i < std::min<std::uint64_t>(count, kWindow); ++i) {
    last_.push_back(true);
  }
  while (last_.size() > kWindow)
    last_.pop_front();
}

void CrcStorm::damaged(Clock::time_point now) {
  last_.push_back(false);
  if (last_.size() > kWindow) last_.pop_front();
  damaged_at_.push_back(now);
  while (!damaged_at_.empty() && now - damaged_at_.front() > kRecent)
    damaged_at_.pop_front();
}

bool CrcStorm::raging(Clock::time_point now) const {
  if (last_.size() < kWindow) return false;
  const auto valid = static_cast<std::size_t>(std::count(last_.begin(), last_.end(), true));
  const auto recent = static_cast<std::size_t>(std::count_if(
      damaged_at_.begin(), damaged_at_.end(), [&](auto at) { return now - at <= kRecent; }));
  return valid <= kMostValid && recent >= kLeastRecentDamaged;
}

std::size_t CrcStorm::damaged_of_window() const noexcept {
  return static_cast<std::size_t>(std::count(last_.begin(), last_.end(), false));
}

}  // namespace usock::device
