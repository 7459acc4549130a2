#include "emulation.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace uboard {
namespace {

// An unpaced direction still hands bytes over in bounded slices.
constexpr std::size_t kUnpacedSlice = 64 * 1024;

}  // namespace

LineDirection::LineDirection(const LineSettings& settings, usock::Clock::time_point now)
    : settings_(settings),
      random_(settings.seed),
      bytes_per_second_(settings.baud / 10.0),
      // 5 ms of line: small enough that pacing is smooth, large enough that
      // a wake-up per burst, not per byte, keeps up at 4 Mbaud.
      budget_(0),
      burst_(std::max(1.0, bytes_per_second_ * 0.005)),
      refilled_(now) {}

void LineDirection::refill(usock::Clock::time_point now) {
  const std::chrono::duration<double> elapsed = now - refilled_;
  refilled_ = now;
  budget_ = std::min(burst_, budget_ + elapsed.count() * bytes_per_second_);
}

std::size_t LineDirection::admissible(usock::Clock::time_point now) {
  if (settings_.baud == 0) return kUnpacedSlice;
  refill(now);
  return static_cast<std::size_t>(budget_);
}

void LineDirection::push(std::string_view bytes, usock::Clock::time_point now) {
  if (bytes.empty()) return;
  if (settings_.baud != 0) budget_ -= static_cast<double>(bytes.size());
  std::string out;
  out.reserve(bytes.size());
  const double drop = settings_.noise / 10;
  for (const char byte : bytes) {
    if (settings_.noise > 0) {
      const double roll = chance_(random_);
      if (roll < drop) continue;
      if (roll < drop + settings_.noise) {
        // A different value, so every corruption is one.
        out.push_back(static_cast<char>(byte ^ static_cast<char>(1 + random_() % 255)));
        continue;
      }
    }
    out.push_back(byte);
  }
  if (out.empty()) return;
  queued_ += out.size();
  const auto due = now + settings_.latency;
  if (!batches_.empty() && batches_.back().due == due) {
    batches_.back().bytes += out;
  } else {
    batches_.push_back(Batch{due, std::move(out)});
  }
}

std::string_view LineDirection::ready(usock::Clock::time_point now) {
  if (batches_.empty() || batches_.front().due > now) return {};
  return std::string_view(batches_.front().bytes).substr(front_taken_);
}

void LineDirection::consume(std::size_t count) {
  front_taken_ += count;
  queued_ -= count;
  if (front_taken_ == batches_.front().bytes.size()) {
    batches_.pop_front();
    front_taken_ = 0;
  }
}

usock::Clock::time_point LineDirection::next_change(usock::Clock::time_point now) const {
  auto next = usock::Clock::time_point::max();
  if (!batches_.empty()) next = std::max(now, batches_.front().due);
  if (settings_.baud != 0 && budget_ < 1.0) {
    const std::chrono::duration<double> wait((1.0 - budget_) / bytes_per_second_);
    next = std::min(next, now + std::chrono::duration_cast<usock::Clock::duration>(wait) +
                              std::chrono::microseconds(1));
  }
  return next;
}

void LineDirection::clear() {
  batches_.clear();
  front_taken_ = 0;
  queued_ = 0;
}

}  // namespace uboard
