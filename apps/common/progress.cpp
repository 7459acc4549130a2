#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace usock::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(200);

void print_bytes(char* out, std::size_t size, double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  std::snprintf(out, size, "%.1f %s", bytes, kUnits[unit]);
}

}  // namespace

bool Progress::stderr_is_terminal() {
  return ::isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::optional<std::uint64_t> total, bool enabled)
    : total_(total),
      enabled_(enabled),
      started_(std::chrono::steady_clock::now()),
      next_draw_(started_ + kRedrawEvery) {}

Progress::~Progress() {
  finish();
}

void Progress::update(std::uint64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_draw_) return;
  next_draw_ = now + kRedrawEvery;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  char done_text[32];
  char rate_text[32];
  print_bytes(done_text, sizeof done_text, static_cast<double>(done));
  print_bytes(rate_text, sizeof rate_text, rate);
  if (total_ && *total_ > 0) {
    char total_text[32];
    print_bytes(total_text, sizeof total_text, static_cast<double>(*total_));
    const double fraction = static_cast<double>(done) / static_cast<double>(*total_);
    const double eta = rate > 0 ? static_cast<double>(*total_ - done) / rate : 0;
    std::fprintf(stderr, "\r\x1b[K%s / %s  %3.0f%%  %s/s  ETA %.0fs", done_text, total_text,
                 fraction * 100, rate_text, eta);
  } else {
    std::fprintf(stderr, "\r\x1b[K%s  %s/s", done_text, rate_text);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace usock::cli
