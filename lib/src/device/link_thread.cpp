// The link thread: the only one that reads or writes the line. It sleeps in
// poll() on the line and on an eventfd the application threads signal after
// queueing, runs the endpoint's timers and the session's own (handshake,
// liveness, marker confirmation), and notifies every waiter after each turn.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>

#include "device_log.hpp"
#include "session.hpp"

namespace usock::device {
namespace {

// A poll() timeout for `due`, rounded up so the turn never comes early;
// capped so a clock jump cannot stall the thread.
int timeout_ms(Clock::time_point now, Clock::time_point due) {
  if (due <= now) return 0;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(due - now).count();
  return static_cast<int>(std::min<long long>(left, 1000));
}

bool would_block(const OSError& error) {
  return error.code() == EAGAIN || error.code() == ETIMEDOUT;
}

std::string seconds_text(Clock::duration duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", std::chrono::duration<double>(duration).count());
  return text;
}

}  // namespace

void Session::run() noexcept {
  Lock lock(mutex_);
  try {
    serve(lock);
  } catch (const std::exception& error) {
    if (!lock.owns_lock()) lock.lock();
    fail(LinkError::Kind::lost, std::string("device link lost (") + error.what() + ")");
  }
  if (hand_back_ != HandBack::none) hand_back_after_failure();
  changed_.notify_all();
}

void Session::serve(Lock& lock) {
  std::array<char, 16384> buffer;
  while (!stopping_ && phase_ != Phase::failed) {
    pump(Clock::now());
    if (phase_ == Phase::failed) break;
    const auto now = Clock::now();
    const bool want_write = !raw_out_.empty() ||
                            (!handed_back_ && !endpoint_.output(now).empty()) ||
                            (bootstrap_ && !bootstrap_->output().empty());
    const int timeout = timeout_ms(now, next_due(now));
    lock.unlock();

    pollfd fds[3] = {{link_.read_fd(), POLLIN, 0},
                     {link_.write_fd(), static_cast<short>(want_write ? POLLOUT : 0), 0},
                     {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 3, timeout) < 0 && errno != EINTR) {
      lock.lock();
      fail(LinkError::Kind::lost, "device link lost (poll failed)");
      break;
    }
    if (fds[2].revents & POLLIN) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto drained = ::read(wake_fd_, &count, sizeof count);
    }
    std::size_t got = 0;
    std::string gone;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      try {
        // Wait::until(now) tries once without waiting, on every kind of line.
        got = link_.read_some(buffer, Wait::until(Clock::now()));
        if (got == 0) gone = "device unplugged or connection closed";
      } catch (const OSError& error) {
        if (!would_block(error)) gone = error.reason();
      }
    }
    lock.lock();
    if (got > 0) received(std::string_view(buffer.data(), got), Clock::now());
    if (!gone.empty()) fail(LinkError::Kind::lost, "device link lost (" + gone + ")");
  }
}

void Session::received(std::string_view bytes, Clock::time_point now) {
  if (phase_ == Phase::bootstrapping) {
    bootstrap_->receive(bytes, now);
    return pump_bootstrap(now);
  }
  // In a session the raw REPL's prompt can only follow BYE: before, it
  // would be frame bytes.
  if (injected_ && (phase_ != Phase::open || bye_sent_)) watch_raw_prompt(bytes);
  endpoint_.receive(bytes, now);
}

void Session::pump(Clock::time_point now) {
  if (endpoint_.next_timer() <= now) endpoint_.on_timer(now);
  proxy::LinkEndpoint::Event event;
  while (phase_ != Phase::failed && endpoint_.next_event(event)) {
    on_event(event, now);
  }
  const std::uint64_t frames = endpoint_.stats().frames_received;
  storm_.valid_frames(frames - frames_seen_);
  frames_seen_ = frames;
  if (storm_.raging(now) && phase_ != Phase::failed) {
    fail(LinkError::Kind::noisy,
         "device link unusable: " + std::to_string(storm_.damaged_of_window()) + " of " +
             std::to_string(CrcStorm::kWindow) +
             " frames damaged (wrong baud rate? this port is at " +
             std::to_string(link_.address().baud) + ")");
  }
  if (now >= next_state_log_) {
    device_log().trace("device link: {}", endpoint_.describe());
    next_state_log_ = now + std::chrono::seconds(1);
  }
  check_handshake(now);
  pump_bootstrap(now);
  check_marker(now);
  check_liveness(now);
  write_output(now);
  changed_.notify_all();
}

void Session::write_output(Clock::time_point now) {
  while (true) {
    // Bytes outside frames go first: the bootstrap's, the probe, Ctrl-B.
    std::string_view out = raw_out_;
    if (out.empty() && bootstrap_) out = bootstrap_->output();
    const bool framed = out.empty();
    if (framed && !handed_back_) out = endpoint_.output(now);
    if (out.empty()) return;
    try {
      const std::size_t written = link_.write_some(out, Wait::until(Clock::now()));
      if (!raw_out_.empty()) {
        raw_out_.erase(0, written);
      } else if (!framed) {
        bootstrap_->wrote(written);
      } else {
        endpoint_.wrote(written, now);
      }
    } catch (const OSError& error) {
      if (!would_block(error))
        fail(LinkError::Kind::lost, "device link lost (" + error.reason() + ")");
      return;
    }
  }
}

Clock::time_point Session::next_due(Clock::time_point now) const {
  Clock::time_point due = endpoint_.next_timer();
  if (phase_ == Phase::listening) due = std::min(due, listen_until_);
  // A bootstrap that finished moves on as soon as its last bytes are out.
  if (phase_ == Phase::bootstrapping) {
    due = std::min(due, bootstrap_->running() ? now : bootstrap_->next_timer());
  }
  if (phase_ == Phase::hello_sent) due = std::min(due, hello_due_);
  if (marker_) due = std::min(due, marker_->due);
  if (phase_ == Phase::open) due = std::min(due, endpoint_.last_heard() + dead_after());
  return std::max(due, now);
}

Clock::duration Session::dead_after() const {
  Clock::duration after = std::max<Clock::duration>(options_.dead_after, 4 * endpoint_.rto());
  // A call that stops the agent's loop (DNS without ASYNC_DNS, connect
  // without NONBLOCK_CONNECT) may keep it silent that much longer.
  for (const auto& [req, call] : pending_) {
    if (blocks_agent(call.call)) {
      after += std::chrono::milliseconds(board_.max_block_ms);
      break;
    }
  }
  return after;
}

void Session::check_liveness(Clock::time_point now) {
  if (phase_ != Phase::open) return;
  // Silence is only suspicious while the device owes us something.
  if (!endpoint_.awaiting_peer() && pending_.empty()) return;
  const auto silent = now - endpoint_.last_heard();
  if (silent <= dead_after()) return;
  fail(LinkError::Kind::lost,
       "device link lost (no reply for " + seconds_text(silent) + " s on " + uri() + ")");
}

}  // namespace usock::device
