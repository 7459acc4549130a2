// Finding the agent (PROTOCOL.md 7.1) and, when none answers, starting it
// through the raw REPL (7.7): listen for an ANNOUNCE, probe with a \r that a
// REPL answers and an agent ignores, then upload the agent and listen
// again. Once the session ends, or the start fails, a board we started the
// agent on is handed back at its friendly REPL.
#include <array>
#include <cerrno>

#include "builtin_agent.hpp"
#include "device_log.hpp"
#include "session.hpp"
#include "usock/proxy/program_pieces.hpp"

namespace usock::device {
namespace {

using namespace std::chrono_literals;

// An agent announces every 500 ms: one ANNOUNCE fits in the first listen.
constexpr auto kFirstListen = 600ms;
constexpr auto kProbeListen = 300ms;
constexpr std::size_t kHeardLines = 20;
constexpr auto kPromptWait = 1s;
constexpr auto kLeaveWait = 500ms;
// An uploaded agent compiles before it announces: in plain raw mode after
// the OK, which takes seconds for the whole agent on an ESP32.
constexpr auto kAgentStart = 10s;

bool shows_repl(const std::string& line) {
  return line.find(">>>") != std::string::npos || line.find("raw REPL") != std::string::npos ||
         line == ">";
}

// The exception's own line ends a traceback: the first unindented one
// after "Traceback (most recent call last):".
bool ends_traceback(const std::string& line) {
  return !line.empty() && line[0] != ' ' && line.find("Traceback") == std::string::npos;
}

}  // namespace

void Session::start_listening(Clock::time_point now) {
  started_ = now;
  listen_until_ = now + kFirstListen;
}

void Session::on_listen_timeout(Clock::time_point now) {
  if (!probed_) {
    // A REPL answers \r with a prompt; an agent takes it as junk.
    probed_ = true;
    raw_out_ += '\r';
    listen_until_ = options_.inject
                        ? now + kProbeListen
                        : std::max(now + kProbeListen, started_ + options_.announce_timeout);
    return;
  }
  // Damaged frames come from an agent behind a noisy line more likely than
  // from a REPL: its next ANNOUNCE is worth waiting for before the upload
  // interrupts whatever runs on the board.
  const auto patience = started_ + options_.announce_timeout;
  if (options_.inject && !injected_ && damage_heard_ && now < patience) {
    listen_until_ = patience;
    return;
  }
  if (options_.inject && !injected_) return start_bootstrap(now);
  std::string cause = "nothing announced itself; is the agent running?";
  if (injected_) {
    cause = "the agent was uploaded but never announced itself";
  } else if (repl_seen_) {
    cause = "the board is at its REPL; drop --no-inject to start the agent";
  }
  fail(LinkError::Kind::handshake, "no agent answering on " + uri() + " (" + cause + ")");
}

void Session::start_bootstrap(Clock::time_point now) {
  std::string program(options_.agent.empty() ? builtin_agent() : options_.agent);
  if (!program.empty() && program.back() != '\n') program += '\n';
  program += options_.agent_mtu
                 ? "main(injected=True, mtu=" + std::to_string(options_.agent_mtu) + ")\n"
                 : std::string("main(injected=True)\n");
  device_log().info("device: no agent answering on {}; starting one through the raw REPL", uri());
  // One exec per piece: the board compiles a piece at a time, never the
  // whole agent at once (PROTOCOL.md 7.7).
  bootstrap_.emplace(proxy::split_program(program), options_.soft_reset, now);
  for (const auto& line : heard_)
    bootstrap_->heard(line);
  heard_.clear();
  phase_ = Phase::bootstrapping;
  pump_bootstrap(now);
}

void Session::pump_bootstrap(Clock::time_point now) {
  if (phase_ != Phase::bootstrapping) return;
  bootstrap_->on_timer(now);
  for (const auto& line : bootstrap_->take_console()) {
    device_log().info("device console: {}", line);
  }
  if (const auto& failure = bootstrap_->failure()) {
    for (const auto& line : failure->traceback)
      device_log().warn("device: {}", line);
    using Kind = proxy::RawReplBootstrap::Failure::Kind;
    switch (failure->kind) {
      case Kind::no_raw_repl:
        return fail(LinkError::Kind::handshake,
                    "could not enter raw REPL on " + uri() + " (" + failure->cause + ")");
      case Kind::reset:
        // Once the raw REPL answered: not the reset that opening a port can
        // cause, but a brown-out, a watchdog, boot.py resetting the board.
        return fail(LinkError::Kind::reset, "device reset during the agent's upload on " + uri() +
                                                " (" + failure->cause + ")");
      case Kind::refused:
        return fail(LinkError::Kind::handshake,
                    "could not start the agent on " + uri() + " (" + failure->cause + ")");
    }
  }
  if (!bootstrap_->running() || !bootstrap_->output().empty()) return;
  aborted_after_ = bootstrap_->aborted_after();
  if (aborted_after_) {
    device_log().info("device: the board ended the upload early, {} bytes sent", *aborted_after_);
  } else {
    device_log().info("device: agent uploaded ({}); waiting for its ANNOUNCE", bootstrap_->mode());
  }
  const std::string leftover = bootstrap_->take_leftover();
  bootstrap_.reset();
  injected_ = true;
  phase_ = Phase::listening;
  listen_until_ = now + std::max<Clock::duration>(options_.announce_timeout, kAgentStart);
  if (!leftover.empty()) {
    watch_raw_prompt(leftover);
    endpoint_.receive(leftover, now);
  }
}

void Session::on_console_before_session(const std::string& line) {
  if (phase_ != Phase::listening && phase_ != Phase::hello_sent) return;
  if (shows_repl(line)) repl_seen_ = true;
  if (heard_.size() < kHeardLines) heard_.push_back(line);
  if (!injected_) return;
  // The uploaded program died before it could announce (PROTOCOL.md 13:
  // "agent crashed while starting"): its traceback is the explanation.
  if (!traceback_) {
    if (line.find("Traceback (most recent call last):") != std::string::npos) {
      traceback_.emplace();
      device_log().warn("device: {}", line);
    }
    return;
  }
  device_log().warn("device: {}", line);
  if (!ends_traceback(line)) return;
  // A raw-paste upload the board ended early did not run at all: its
  // compiler stopped reading (PROTOCOL.md 7.7 step 5).
  if (aborted_after_) {
    return fail(LinkError::Kind::handshake,
                "could not start the agent on " + uri() + " (the board ended the upload early, " +
                    std::to_string(*aborted_after_) + " bytes sent: " + line + ")");
  }
  fail(LinkError::Kind::handshake,
       "device agent crashed while starting on " + uri() + " (" + line + ")");
}

void Session::watch_raw_prompt(std::string_view bytes) {
  // After the agent returns, the raw REPL ends the run with \x04 (end of
  // output), \x04 (end of errors) and its prompt.
  prompt_tail_.append(bytes);
  if (prompt_tail_.find("\x04>") != std::string::npos) {
    raw_prompt_seen_ = true;
    if (bye_sent_) handed_back_ = true;
  }
  if (prompt_tail_.size() > 2) prompt_tail_.erase(0, prompt_tail_.size() - 2);
}

void Session::leave_raw_repl(Lock& lock) {
  if (!injected_) return;
  const auto seen = [&] { return handed_back_ || failure_.has_value(); };
  if (!changed_.wait_for(lock, kPromptWait, seen)) {
    device_log().info("device: the raw REPL's prompt did not come back; leaving it anyway");
  }
  handed_back_ = true;
  raw_out_ += "\r\x02";
  wake();
  changed_.wait_for(lock, kLeaveWait, [&] { return raw_out_.empty() || failure_.has_value(); });
}

Session::HandBack Session::failed_start_hand_back(LinkError::Kind kind) const {
  if (phase_ == Phase::bootstrapping) {
    // A board that never showed the raw REPL is not ours to touch; one that
    // restarted is at its friendly REPL, where Ctrl-B does no harm.
    if (!bootstrap_->raw_repl_answered()) return HandBack::none;
    if (kind == LinkError::Kind::reset || !bootstrap_->board_busy()) return HandBack::leave;
    return HandBack::interrupt_then_leave;
  }
  if (!injected_ || (phase_ != Phase::listening && phase_ != Phase::hello_sent)) {
    return HandBack::none;
  }
  // The program ran: it ended (a traceback, then the raw prompt) or may
  // still run (an agent that never answered).
  return raw_prompt_seen_ ? HandBack::leave : HandBack::interrupt_then_leave;
}

void Session::hand_back_after_failure() {
  try {
    if (hand_back_ == HandBack::interrupt_then_leave) {
      // Ctrl-C twice ends a raw-paste upload or a running program, and is
      // the agent's interrupt sequence (PROTOCOL.md 3.5); the raw REPL then
      // ends the run with \x04 and its prompt, and Ctrl-B reaches it.
      const auto until = Clock::now() + kPromptWait;
      write_raw("\x03\x03", until);
      std::array<char, 1024> buffer;
      while (!raw_prompt_seen_) {
        const std::size_t got = link_.read_some(buffer, Wait::until(until));
        if (got == 0) return;
        watch_raw_prompt(std::string_view(buffer.data(), got));
      }
    }
  } catch (const OSError& error) {
    if (error.code() != ETIMEDOUT && error.code() != EAGAIN) return;
    device_log().info("device: the raw REPL's prompt did not come back; leaving it anyway");
  }
  try {
    write_raw("\r\x02", Clock::now() + kLeaveWait);
    device_log().info("device: left the raw REPL on {}", uri());
  } catch (const OSError&) {
    // The line is gone, and the board with it.
  }
}

void Session::write_raw(std::string_view bytes, Clock::time_point until) {
  while (!bytes.empty())
    bytes.remove_prefix(link_.write_some(bytes, Wait::until(until)));
}

}  // namespace usock::device
