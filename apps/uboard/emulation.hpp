#pragma once
// One direction of the emulated line between uboard's frame codec and its
// port (PROTOCOL.md 11): bytes enter no faster than the baud rate allows,
// each is corrupted or dropped by chance, and all of them come out `latency`
// later. The port writes what comes out of the outbound direction, the link
// endpoint reads what comes out of the inbound one.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <string_view>

#include "usock/wait.hpp"

namespace uboard {

struct LineSettings {
  unsigned baud = 0;  // 0: unpaced
  double noise = 0;
  std::uint64_t seed = 0;
  usock::Clock::duration latency{};
};

class LineDirection {
 public:
  LineDirection(const LineSettings& settings, usock::Clock::time_point now);

  // How many bytes the pacing lets enter now; a large number when unpaced.
  std::size_t admissible(usock::Clock::time_point now);
  // Bytes entering the line (at most admissible()): paced, damaged, delayed.
  void push(std::string_view bytes, usock::Clock::time_point now);
  // Bytes that have crossed the line and wait to be taken; consume() takes them.
  std::string_view ready(usock::Clock::time_point now);
  void consume(std::size_t count);
  // Bytes on the line, crossed or not.
  std::size_t queued() const noexcept { return queued_; }
  // When admissible() or ready() next grows; time_point::max() if never.
  usock::Clock::time_point next_change(usock::Clock::time_point now) const;
  // Forgets what is on the line (a new connection, a reset board).
  void clear();

 private:
  struct Batch {
    usock::Clock::time_point due;
    std::string bytes;
  };

  void refill(usock::Clock::time_point now);

  LineSettings settings_;
  std::mt19937_64 random_;
  std::uniform_real_distribution<double> chance_{0.0, 1.0};
  double bytes_per_second_;
  double budget_;  // bytes the pacing lets in, fractional
  double burst_;   // the most the budget holds: a few milliseconds of line
  usock::Clock::time_point refilled_;
  std::deque<Batch> batches_;
  std::size_t front_taken_ = 0;
  std::size_t queued_ = 0;
};

}  // namespace uboard
