#include "usock/proxy/bootstrap.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "usock/proxy/console.hpp"

namespace usock::proxy {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kRawBanner = "raw REPL; CTRL-B to exit\r\n";
// pyboard.py's waits: 100 ms after Ctrl-C, 10 s for any reply.
constexpr auto kAfterInterrupt = 100ms;
constexpr auto kReplyTimeout = 10s;
// Plain raw mode has no flow control: pyboard.py's pace.
constexpr std::size_t kPlainChunk = 256;
constexpr auto kPlainPace = 10ms;
constexpr std::size_t kMaxLine = 1024;
// A traceback's first lines name the failing line and the exception.
constexpr std::size_t kMaxError = 4096;
// A reset's banner or an error comes in pieces: what follows text that came
// instead of raw-paste credit for this long tells which it is.
constexpr auto kStrayWait = 300ms;

// A ROM banner, not MicroPython's own soft reboot: what explains a board
// that never reached its REPL.
bool is_hardware_reset(std::string_view line) {
  const auto marker = find_console_marker(line);
  return marker && marker->kind == ConsoleMarker::Kind::reset &&
         marker->marker.find("soft reboot") == std::string_view::npos;
}

// Bytes as they would be typed in Python: "R\x00".
std::string escaped(std::string_view bytes) {
  std::string out;
  for (const char c : bytes.substr(0, 40)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\') {
      out += c;
    } else {
      char text[8];
      std::snprintf(text, sizeof text, "\\x%02x", byte);
      out += text;
    }
  }
  return out;
}

}  // namespace

RawReplBootstrap::RawReplBootstrap(std::vector<std::string> pieces, bool soft_reset,
                                   Clock::time_point now)
    : pieces_(std::move(pieces)),
      soft_reset_(soft_reset),
      out_("\r\x03"),
      due_(now + kAfterInterrupt) {
  if (pieces_.empty()) pieces_.emplace_back();
}

void RawReplBootstrap::heard(std::string_view line) {
  if (!line.empty()) last_line_ = line;
  // The ROM's "rst:" line says why it reset; its "ets" date line does not.
  if (is_hardware_reset(line) &&
      (reset_line_.empty() || line.find("rst:") != std::string_view::npos)) {
    reset_line_ = line;
  }
  // An ESP32 reset with GPIO0 low stops in the ROM's download mode: no
  // MicroPython to talk to, whatever we wait for.
  if (line.find("waiting for download") != std::string_view::npos) {
    fail(Failure::Kind::no_raw_repl,
         "the board reset into its ROM bootloader (" +
             (reset_line_.empty() ? last_line_ : reset_line_) +
             "): GPIO0 was held low, by the BOOT button or DTR/RTS wiring");
  }
}

void RawReplBootstrap::receive(std::string_view bytes, Clock::time_point now) {
  if (step_ == Step::failed) return;
  in_.append(bytes);
  advance(now);
}

void RawReplBootstrap::on_timer(Clock::time_point now) {
  if (step_ == Step::running || step_ == Step::failed || now < due_) return;
  switch (step_) {
    case Step::interrupt:
      // Whatever the interrupted program printed is not an answer.
      to_console(in_);
      in_.clear();
      if (step_ == Step::failed) return;
      out_ += "\r\x01";
      expect(Step::enter, std::string(kRawBanner) + ">", now);
      return;
    case Step::plain:
      send_chunk(now);
      return;
    case Step::enter:
      return fail(Failure::Kind::no_raw_repl, timeout_cause());
    default:
      return fail(Failure::Kind::refused, timeout_cause());
  }
}

Clock::time_point RawReplBootstrap::next_timer() const noexcept {
  return step_ == Step::running || step_ == Step::failed ? Clock::time_point::max() : due_;
}

std::string RawReplBootstrap::take_leftover() {
  if (step_ != Step::running) return {};
  return std::exchange(in_, {});
}

std::string RawReplBootstrap::mode() const {
  if (mode_.empty()) return mode_;
  const std::size_t count = pieces_.size();
  return mode_ + ", " + std::to_string(count) + (count == 1 ? " piece" : " pieces");
}

std::vector<std::string> RawReplBootstrap::take_console() {
  if ((step_ == Step::running || step_ == Step::failed) && !partial_line_.empty()) {
    console_.push_back(std::exchange(partial_line_, {}));
  }
  return std::exchange(console_, {});
}

void RawReplBootstrap::advance(Clock::time_point now) {
  switch (step_) {
    case Step::interrupt:
    case Step::plain:
    case Step::running:
    case Step::failed:
      return;
    case Step::enter:
      if (!take_through(expected_)) return;
      raw_answered_ = true;
      if (!soft_reset_) return start_piece(now);
      // pyboard.py waits for "soft reboot" apart from the banner, so that
      // boot.py's output in between is only console text.
      out_ += "\x04";
      return expect(Step::reboot, "soft reboot\r\n", now);
    case Step::reboot:
      if (take_through(expected_)) expect(Step::reboot_banner, kRawBanner, now);
      return;
    case Step::reboot_banner:
      if (take_through(expected_)) expect(Step::reboot_prompt, ">", now);
      return;
    case Step::reboot_prompt:
      if (take_through(expected_)) start_piece(now);
      return;
    case Step::ask_paste:
      return on_paste_answer(now);
    case Step::paste_window:
      if (in_.size() < 2) return;
      window_ = static_cast<std::uint32_t>(static_cast<unsigned char>(in_[0]) |
                                           static_cast<unsigned char>(in_[1]) << 8);
      in_.erase(0, 2);
      if (window_ == 0)
        return fail(Failure::Kind::refused, "the board offered a raw-paste window of 0");
      window_left_ = window_;
      mode_ = "raw-paste, window " + std::to_string(window_);
      step_ = Step::paste;
      due_ = now + kReplyTimeout;
      return on_paste_reply(now);
    case Step::plain_prompt:
      if (take_through(expected_)) start_plain(now);
      return;
    case Step::paste:
      return on_paste_reply(now);
    case Step::stray:
      // escaped() shows 40 bytes of it.
      if (stray_.size() < 40) stray_.append(in_, 0, 40 - stray_.size());
      to_console(in_);
      in_.clear();
      // The friendly REPL's prompt: the board left raw-paste, and nothing
      // more is coming that could explain it.
      if (step_ != Step::failed && partial_line_.size() >= 4 &&
          partial_line_.compare(partial_line_.size() - 4, 4, ">>> ") == 0) {
        fail(Failure::Kind::refused, timeout_cause());
      }
      return;
    case Step::paste_end: {
      // Window increments the board sent while reading the tail come first.
      const auto end = in_.find('\x04');
      std::string before = in_.substr(0, end);
      before.erase(std::remove(before.begin(), before.end(), '\x01'), before.end());
      to_console(before);
      in_.erase(0, end == std::string::npos ? in_.size() : end + 1);
      if (end != std::string::npos && step_ != Step::failed) after_upload(now);
      return;
    }
    case Step::plain_ok:
      if (in_.size() < 2) return;
      if (in_.compare(0, 2, "OK") != 0) {
        return fail(Failure::Kind::refused,
                    "the raw REPL answered the upload with '" + escaped(in_) + "', not OK");
      }
      in_.erase(0, 2);
      return after_upload(now);
    case Step::piece_output: {
      // What the piece printed is console text; \x04 ends it.
      const auto end = in_.find('\x04');
      to_console(std::string_view(in_).substr(0, end));
      in_.erase(0, end == std::string::npos ? in_.size() : end + 1);
      if (end == std::string::npos || step_ == Step::failed) return;
      step_ = Step::piece_error;
      return advance(now);
    }
    case Step::piece_error: {
      const auto end = in_.find('\x04');
      error_.append(in_, 0, std::min({end, in_.size(), kMaxError - error_.size()}));
      in_.erase(0, end == std::string::npos ? in_.size() : end + 1);
      if (end == std::string::npos) return;
      // A piece the board stopped reading did not run whole, error or not.
      if (!error_.empty() || aborted_after_) return on_piece_error();
      return expect(Step::piece_prompt, ">", now);
    }
    case Step::piece_prompt:
      if (!take_through(expected_)) return;
      sent_before_ += sent_;
      ++piece_;
      return start_piece(now);
  }
}

bool RawReplBootstrap::take_through(std::string_view token) {
  const auto found = in_.find(token);
  if (found != std::string::npos) {
    to_console(std::string_view(in_).substr(0, found));
    in_.erase(0, found + token.size());
    return step_ != Step::failed;
  }
  // What cannot begin the token is console text already: the log and the
  // reset check see it as it comes, and the buffer stays small.
  const std::size_t keep = std::min(in_.size(), token.size() - 1);
  to_console(std::string_view(in_).substr(0, in_.size() - keep));
  in_.erase(0, in_.size() - keep);
  return false;
}

void RawReplBootstrap::expect(Step step, std::string_view token, Clock::time_point now) {
  step_ = step;
  expected_ = token;
  due_ = now + kReplyTimeout;
  advance(now);
}

void RawReplBootstrap::start_piece(Clock::time_point now) {
  sent_ = 0;
  // mpremote asks for raw-paste at every exec until a board says no.
  if (plain_mode_) return start_plain(now);
  out_ +=
      "\x05"
      "A\x01";
  step_ = Step::ask_paste;
  due_ = now + kReplyTimeout;
  advance(now);
}

void RawReplBootstrap::after_upload(Clock::time_point now) {
  if (last_piece()) {
    step_ = Step::running;
    return;
  }
  // pyboard.py's follow(): the output, \x04, the error text, \x04; then
  // the raw prompt for the next exec.
  step_ = Step::piece_output;
  due_ = now + kReplyTimeout;
  advance(now);
}

void RawReplBootstrap::on_piece_error() {
  std::vector<std::string> lines;
  std::string exception;  // the first unindented line after "Traceback ..."
  std::size_t begin = 0;
  while (begin < error_.size()) {
    auto end = error_.find('\n', begin);
    if (end == std::string::npos) end = error_.size();
    std::string line = error_.substr(begin, end - begin);
    begin = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (exception.empty() && line[0] != ' ' && line.find("Traceback") == std::string::npos) {
      exception = line;
    }
    lines.push_back(std::move(line));
  }
  if (exception.empty() && !lines.empty()) exception = lines.back();
  std::string cause = aborted_after_ ? "the board ended the upload early, " +
                                           std::to_string(*aborted_after_) + " bytes sent"
                                     : "part " + std::to_string(piece_ + 1) + " of " +
                                           std::to_string(pieces_.size()) + " of the upload failed";
  if (!exception.empty()) cause += ": " + exception;
  fail(Failure::Kind::refused, std::move(cause));
  failure_->traceback = std::move(lines);
}

void RawReplBootstrap::on_paste_answer(Clock::time_point now) {
  if (in_.size() < 2) return;
  const std::string answer = in_.substr(0, 2);
  in_.erase(0, 2);
  if (answer == std::string_view("R\x01", 2)) {
    step_ = Step::paste_window;
    return advance(now);
  }
  if (answer == std::string_view("R\x00", 2)) {
    plain_mode_ = true;
    // pyexec.c prints the raw prompt again after this answer.
    mode_ = "raw REPL (raw-paste unsupported)";
    return expect(Step::plain_prompt, ">", now);
  }
  if (answer == "ra") {
    // Firmware older than raw-paste took \x05A as text and \x01 as a new
    // Ctrl-A: the rest of its banner follows.
    plain_mode_ = true;
    mode_ = "raw REPL (firmware without raw-paste)";
    return expect(Step::plain_prompt, "w REPL; CTRL-B to exit\r\n>", now);
  }
  fail(Failure::Kind::refused,
       "unexpected answer to the raw-paste request: '" + escaped(answer + in_) + "'");
}

void RawReplBootstrap::start_plain(Clock::time_point now) {
  step_ = Step::plain;
  send_chunk(now);
}

void RawReplBootstrap::send_chunk(Clock::time_point now) {
  if (sent_ < program().size()) {
    const std::size_t size = std::min(kPlainChunk, program().size() - sent_);
    out_.append(program(), sent_, size);
    sent_ += size;
    due_ = now + kPlainPace;
    return;
  }
  out_ += "\x04";
  step_ = Step::plain_ok;
  due_ = now + kReplyTimeout;
  advance(now);
}

void RawReplBootstrap::on_paste_reply(Clock::time_point now) {
  std::size_t used = 0;
  for (; used < in_.size(); ++used) {
    const char byte = in_[used];
    if (byte == '\x01') {
      window_left_ += window_;
      due_ = now + kReplyTimeout;
    } else if (byte == '\x04') {
      // The board stopped reading (a syntax error, as a rule): acknowledge,
      // as pyboard.py does, and send nothing more; its traceback follows
      // as the program's output.
      out_ += "\x04";
      in_.erase(0, used + 1);
      aborted_after_ = sent_before_ + sent_;
      if (last_piece()) {
        step_ = Step::running;
        return;
      }
      step_ = Step::piece_output;
      due_ = now + kReplyTimeout;
      return advance(now);
    } else {
      // Text instead of credit: no more program bytes until it is read.
      in_.erase(0, used);
      step_ = Step::stray;
      due_ = now + kStrayWait;
      return advance(now);
    }
  }
  in_.clear();
  const std::size_t size = std::min<std::size_t>(window_left_, program().size() - sent_);
  out_.append(program(), sent_, size);
  sent_ += size;
  window_left_ -= static_cast<std::uint32_t>(size);
  if (sent_ == program().size()) {
    out_ += "\x04";
    step_ = Step::paste_end;
    due_ = now + kReplyTimeout;
  }
}

void RawReplBootstrap::fail(Failure::Kind kind, std::string cause) {
  if (step_ == Step::failed) return;
  busy_ = step_ == Step::paste_window || step_ == Step::paste || step_ == Step::stray ||
          step_ == Step::paste_end || step_ == Step::plain || step_ == Step::plain_ok ||
          step_ == Step::piece_output;
  step_ = Step::failed;
  out_.clear();
  failure_ = Failure{kind, std::move(cause), {}};
}

void RawReplBootstrap::to_console(std::string_view text) {
  for (const char c : text) {
    if (c != '\n' && partial_line_.size() < kMaxLine) {
      partial_line_ += c;
      continue;
    }
    if (c != '\n') partial_line_ += c;
    std::string line = std::exchange(partial_line_, {});
    if (!line.empty() && line.back() == '\r') line.pop_back();
    heard(line);
    // A boot banner once the raw REPL answered: the board restarted under
    // us. The ROM's "rst:" line says why; its "ets" date line before does not.
    if (raw_answered_ && is_reset(line)) {
      if (failure_ && failure_->kind == Failure::Kind::reset &&
          line.find("rst:") != std::string::npos) {
        failure_->cause = line;
      }
      fail(Failure::Kind::reset, line);
    }
    console_.push_back(std::move(line));
  }
}

bool RawReplBootstrap::is_reset(std::string_view line) const {
  const auto marker = find_console_marker(line);
  if (!marker || marker->kind != ConsoleMarker::Kind::reset) return false;
  // MicroPython's own "soft reboot" (machine.soft_reset(), Ctrl-D) is a
  // reset too, unless --soft-reset asked for it.
  const bool asked =
      step_ == Step::reboot || step_ == Step::reboot_banner || step_ == Step::reboot_prompt;
  return !asked || marker->marker.find("soft reboot") == std::string_view::npos;
}

std::string RawReplBootstrap::timeout_cause() const {
  switch (step_) {
    case Step::enter:
      if (!reset_line_.empty()) {
        return "the board reset when the port opened (" + reset_line_ +
               ") and never reached its REPL";
      }
      if (!last_line_.empty()) {
        return "a program is running that ignores Ctrl-C? it printed: " + last_line_;
      }
      return "nothing answered Ctrl-C and Ctrl-A: wrong port or baud rate, or a program that "
             "ignores Ctrl-C";
    case Step::reboot:
    case Step::reboot_banner:
    case Step::reboot_prompt:
      return "the board did not come back to the raw REPL after a soft reset";
    case Step::ask_paste:
    case Step::paste_window:
      return "no answer to the raw-paste request";
    case Step::plain_prompt:
      return "the raw REPL did not come back after the raw-paste request";
    case Step::paste:
      return "the board stopped granting raw-paste credit after " +
             std::to_string(sent_before_ + sent_) + " bytes";
    case Step::stray:
      return "unexpected reply during the raw-paste upload: '" + escaped(stray_) + "'";
    case Step::paste_end:
      return "the board never confirmed the end of the upload";
    case Step::plain_ok:
      return "no OK from the raw REPL after the upload";
    case Step::piece_output:
    case Step::piece_error:
      return "part " + std::to_string(piece_ + 1) + " of " + std::to_string(pieces_.size()) +
             " of the upload did not finish running";
    case Step::piece_prompt:
      return "the raw REPL did not come back after part " + std::to_string(piece_ + 1) + " of " +
             std::to_string(pieces_.size()) + " of the upload";
    default:
      return "the bootstrap timed out";
  }
}

}  // namespace usock::proxy
