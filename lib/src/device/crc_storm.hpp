#pragma once
// A line that delivers almost nothing but damaged frames (PROTOCOL.md 7.5):
// usually a wrong baud rate, sometimes a cable. Go-back-N would retry it
// forever; the host gives up and says so.

#include <cstddef>
#include <cstdint>
#include <deque>

#include "usock/wait.hpp"

namespace usock::device {

class CrcStorm {
 public:
  static constexpr std::size_t kWindow = 64;

  void valid_frames(std::uint64_t count);
  void damaged(Clock::time_point now);
  // Of the last 64 candidates at most 1 valid, and at least 16 damaged in
  // the last 2 s. A wrong baud rate gives no valid frame at all; 1 % byte
  // noise (the test) damages ~60 % of 80-byte frames, and 3 valid
  // of 32 then came by chance often enough to end long transfers.
  bool raging(Clock::time_point now) const;
  std::size_t damaged_of_window() const noexcept;

 private:
  std::deque<bool> last_;  // true: a valid frame; at most kWindow
  std::deque<Clock::time_point> damaged_at_;
};

}  // namespace usock::device
