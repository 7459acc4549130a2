#include "usock/proxy/receiver.hpp"

#include <utility>

#include "usock/proxy/console.hpp"

namespace usock::proxy {
namespace {

// Console lines are short; a longer stretch without a line ending is taken
// for binary data, which keeps the line buffer bounded.
constexpr std::size_t kMaxLine = 1024;

// A cheap test per byte; the whole line is judged when it ends.
bool may_be_text(unsigned char byte) {
  if (byte >= 0x20) return byte != 0x7f;
  return byte == '\t' || byte == '\r' || byte == '\n' || byte == 0x1b || byte == 0x04;
}

}  // namespace

FrameReceiver::FrameReceiver(std::size_t mtu) : mtu_(mtu), capacity_(cobs_max_size(mtu)) {
  run_.reserve(capacity_);
  body_.resize(capacity_);
  line_.reserve(kMaxLine);
}

FrameReceiver::Event FrameReceiver::next(std::string_view& in) {
  if (Event held = release(); held.kind != Event::Kind::none) return held;
  if (pending_.kind != Event::Kind::none) return std::exchange(pending_, Event{});
  while (!in.empty()) {
    const char byte = in.front();
    in.remove_prefix(1);
    if (run_ended_) start_run();
    if (line_ended_) start_line();
    if (byte == '\0') {
      Event event = end_run();
      if (event.kind != Event::Kind::none) return event;
      continue;
    }
    take(byte);
    if (byte == '\n') {
      const Event line = end_line();
      if (line.kind == Event::Kind::console) held_.emplace_back(line.bytes);
    }
    // No frame is this long: its lines are console text for sure.
    if (run_size_ > capacity_) release_held_ = true;
    if (Event held = release(); held.kind != Event::Kind::none) return held;
  }
  return {};
}

FrameReceiver::Event FrameReceiver::flush() {
  release_held_ = true;
  if (Event held = release(); held.kind != Event::Kind::none) return held;
  if (line_ended_ || line_.empty()) return {};
  return end_line();
}

FrameReceiver::Event FrameReceiver::release() {
  if (!release_held_ || held_.empty()) return {};
  shown_ = std::move(held_.front());
  held_.pop_front();
  Event event;
  event.kind = Event::Kind::console;
  event.bytes = shown_;
  return event;
}

void FrameReceiver::start_run() {
  release_held_ = false;
  run_.clear();
  run_size_ = 0;
  run_text_ = true;
  run_ended_ = false;
}

void FrameReceiver::start_line() {
  line_.clear();
  line_text_ = true;
  line_ended_ = false;
}

void FrameReceiver::take(char byte) {
  ++run_size_;
  if (run_.size() < capacity_) run_.push_back(byte);
  if (line_text_) {
    if (line_.size() < kMaxLine && may_be_text(static_cast<unsigned char>(byte))) {
      line_.push_back(byte);
    } else {
      line_text_ = false;
      run_text_ = false;
    }
  }
}

FrameReceiver::Event FrameReceiver::end_line() {
  line_ended_ = true;
  std::string_view line = line_;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  if (!line_text_ || !is_console_text(line)) {
    run_text_ = false;
    return {};
  }
  if (line.empty()) return {};
  Event event;
  event.kind = Event::Kind::console;
  event.bytes = line;
  return event;
}

FrameReceiver::Event FrameReceiver::end_run() {
  run_ended_ = true;
  if (run_size_ == 0) return {};
  Event candidate = check_frame();
  if (candidate.kind == Event::Kind::frame) {
    // Text inside a frame is data, not the board's console.
    held_.clear();
    line_ended_ = true;
    return candidate;
  }
  // Junk: console text is reported line by line, anything else as damage.
  const Event line = line_.empty() ? Event{} : end_line();
  if (line.kind == Event::Kind::console) held_.emplace_back(line.bytes);
  line_ended_ = true;
  release_held_ = true;
  if (!run_text_) {
    candidate.size = run_size_;
    candidate.bytes = run_;
    pending_ = candidate;
  }
  if (Event held = release(); held.kind != Event::Kind::none) return held;
  return std::exchange(pending_, Event{});
}

FrameReceiver::Event FrameReceiver::check_frame() {
  Event event;
  event.kind = Event::Kind::damaged;
  if (run_size_ > capacity_) {
    event.damage = Damage::too_long;
    return event;
  }
  const auto decoded = cobs_decode(run_, body_);
  if (!decoded) {
    event.damage = Damage::cobs;
  } else if (*decoded < kMinBodySize) {
    event.damage = Damage::too_short;
  } else if (*decoded > mtu_) {
    event.damage = Damage::too_long;
  } else if (const auto frame = parse_body(std::string_view(body_.data(), *decoded))) {
    event.kind = Event::Kind::frame;
    event.frame = *frame;
    event.size = run_.size() + 1;
  } else {
    event.damage = Damage::crc;
  }
  return event;
}

}  // namespace usock::proxy
