#pragma once
// A one-line progress display on stderr (bytes, rate, ETA), drawn only when
// stderr is a terminal, at most a few times a second, and erased at the end,
// so logs and pipes never see it.

#include <chrono>
#include <cstdint>
#include <optional>

namespace usock::cli {

class Progress {
 public:
  // `enabled` false (quiet, or not a terminal) makes every call a no-op.
  Progress(std::optional<std::uint64_t> total, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::uint64_t done);
  // Erases the line.
  void finish();

  // True when stderr is a terminal (progress is worth drawing).
  static bool stderr_is_terminal();

 private:
  std::optional<std::uint64_t> total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_draw_;
};

}  // namespace usock::cli
