// Console text from the board (PROTOCOL.md 3.4): logged at -v, and scanned
// for the lines a reset, a crash or the REPL print. A marker is only a hint
// (it may sit in damaged data that merely looked like text), so it is
// confirmed by a POLL the agent would answer at once: no answer within
// T_confirm, and the session is over.
#include <algorithm>

#include "device_log.hpp"
#include "session.hpp"

namespace usock::device {
namespace {

constexpr std::size_t kTracebackLines = 20;

std::string marker_failure(proxy::ConsoleMarker::Kind kind, const std::string& line,
                           const std::vector<std::string>& traceback) {
  using Kind = proxy::ConsoleMarker::Kind;
  switch (kind) {
    case Kind::reset:
      return "device reset during the transfer (" + line +
             "; pending calls may or may not have run)";
    case Kind::agent_gone:
      return "device agent stopped (the board is at its REPL: " + line + ")";
    case Kind::agent_crashed:
      break;
  }
  // The exception's own line ends a traceback ("MemoryError: ..."): the
  // last unindented line before the prompt or the banner that may follow.
  std::string cause = line;
  for (const auto& text : traceback) {
    if (text.empty() || text[0] == ' ' || text[0] == '>' || text.rfind("MicroPython", 0) == 0) {
      continue;
    }
    cause = text;
  }
  return "device agent crashed (" + cause + ")";
}

}  // namespace

void Session::on_console(const std::string& line, Clock::time_point now) {
  device_log().info("device console: {}", line);
  if (marker_ && marker_->kind == proxy::ConsoleMarker::Kind::agent_crashed &&
      marker_->traceback.size() < kTracebackLines) {
    marker_->traceback.push_back(line);
  }
  on_console_before_session(line);
  if (phase_ != Phase::open || marker_) return;
  const auto marker = proxy::find_console_marker(line);
  if (!marker) return;
  // T_confirm: the answer may wait behind one whole frame each way.
  const auto frame_time = endpoint_.config().byte_time * 2 * proxy::max_wire_size(board_.mtu);
  const auto confirm = std::max<Clock::duration>(std::chrono::milliseconds(300),
                                                 frame_time + std::chrono::milliseconds(50));
  marker_ = MarkerWatch{marker->kind, line, endpoint_.stats().frames_received, now + confirm, {}};
  endpoint_.send_poll();
}

void Session::check_marker(Clock::time_point now) {
  if (!marker_) return;
  if (phase_ != Phase::open) {
    marker_.reset();
    return;
  }
  if (endpoint_.stats().frames_received > marker_->frames_before) {
    device_log().warn("device: console text looked like a reset ({}), but the agent still answers",
                      marker_->line);
    marker_.reset();
    return;
  }
  if (now < marker_->due) return;
  const auto kind = marker_->kind == proxy::ConsoleMarker::Kind::agent_crashed
                        ? LinkError::Kind::agent_crashed
                        : LinkError::Kind::reset;
  const std::string message = marker_failure(marker_->kind, marker_->line, marker_->traceback);
  marker_.reset();
  fail(kind, message);
}

}  // namespace usock::device
