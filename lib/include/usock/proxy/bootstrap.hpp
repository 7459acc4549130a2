#pragma once
// Starting the agent through the raw REPL (PROTOCOL.md 7.7), with the byte
// sequences of MicroPython's pyboard.py and mpremote: interrupt, enter the
// raw REPL, optionally soft-reset, upload in raw-paste mode under the board's
// flow-control window (or in paced chunks where raw-paste is missing), run.
// The program comes in pieces (program_pieces.hpp), one exec each, so that
// the board compiles one piece at a time; the last one runs the agent.
//
// It does no I/O, like LinkEndpoint: the caller feeds what the board sent,
// writes what output() holds, and calls on_timer() at next_timer(), so the
// link thread stays responsive and the replies can be fuzzed.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usock/wait.hpp"

namespace usock::proxy {

class RawReplBootstrap {
 public:
  struct Failure {
    enum class Kind {
      no_raw_repl,  // the board never showed the raw REPL (busy, wrong port, Ctrl-C ignored)
      reset,        // a boot banner once the raw REPL answered: the board restarted
      refused,      // the board answered the upload with something unexpected
    };
    Kind kind;
    std::string cause;
    // The board's traceback when a piece before the last failed, for the log.
    std::vector<std::string> traceback;
  };

  // `pieces` are the program to run, each executed before the next is sent;
  // `soft_reset` restarts MicroPython once the raw REPL is entered, before
  // the upload.
  RawReplBootstrap(std::vector<std::string> pieces, bool soft_reset, Clock::time_point now);

  // A console line heard before the bootstrap began (while listening for
  // an ANNOUNCE): a ROM banner there explains a later failure.
  void heard(std::string_view line);

  void receive(std::string_view bytes, Clock::time_point now);
  void on_timer(Clock::time_point now);
  Clock::time_point next_timer() const noexcept;
  // Bytes to write now; wrote() says how many went.
  std::string_view output() const noexcept { return out_; }
  void wrote(std::size_t count) noexcept { out_.erase(0, count); }

  // The program was handed over and runs: what the board sent after the
  // upload's terminator is the program's own output (take_leftover()).
  bool running() const noexcept { return step_ == Step::running; }
  const std::optional<Failure>& failure() const noexcept { return failure_; }
  std::string take_leftover();
  // Console text in the way (banners, echo, boot.py output), line by line,
  // for the log; a partial line once the bootstrap is over.
  std::vector<std::string> take_console();
  // How the upload went, for the log: "raw-paste, window 128, 9 pieces".
  std::string mode() const;
  // The board ended the raw-paste upload of the last piece early (pyexec.c:
  // the compiler stopped reading, a syntax error as a rule) after this many
  // bytes of the program; its traceback follows as the program's output.
  std::optional<std::size_t> aborted_after() const noexcept { return aborted_after_; }

  // Where a failure left the board, for handing it back to its friendly
  // REPL as mpremote does on exit: a board that never showed the raw REPL
  // is not ours to touch, and one reading or running the upload must be
  // interrupted before Ctrl-B reaches its raw prompt.
  bool raw_repl_answered() const noexcept { return raw_answered_; }
  bool board_busy() const noexcept { return busy_; }

 private:
  enum class Step {
    interrupt,      // \r\x03 written; input discarded for 100 ms
    enter,          // \r\x01 written: the raw REPL's banner and prompt
    reboot,         // \x04 written: "soft reboot"
    reboot_banner,  // then the raw REPL's banner
    reboot_prompt,  // and prompt
    ask_paste,      // \x05A\x01 written: two bytes answer
    paste_window,   // R\x01: the window increment follows
    plain_prompt,   // R\x00: the prompt again; "ra": the rest of the banner too
    paste,          // sending under the window
    stray,          // text instead of credit: the rest of it, to see what it is
    paste_end,      // \x04 written: \x04 once the board compiled it all
    plain,          // sending 256-byte chunks 10 ms apart
    plain_ok,       // \x04 written: OK
    piece_output,   // a piece before the last runs: its output, then \x04
    piece_error,    // its error text, then \x04
    piece_prompt,   // the raw prompt again: the next piece
    running,
    failed,
  };

  void advance(Clock::time_point now);
  bool take_through(std::string_view token);
  void expect(Step step, std::string_view token, Clock::time_point now);
  void start_piece(Clock::time_point now);
  void after_upload(Clock::time_point now);
  void on_piece_error();
  bool last_piece() const noexcept { return piece_ + 1 == pieces_.size(); }
  const std::string& program() const noexcept { return pieces_[piece_]; }
  void on_paste_answer(Clock::time_point now);
  void start_plain(Clock::time_point now);
  void send_chunk(Clock::time_point now);
  void on_paste_reply(Clock::time_point now);
  void fail(Failure::Kind kind, std::string cause);
  bool is_reset(std::string_view line) const;
  void to_console(std::string_view text);
  std::string timeout_cause() const;

  std::vector<std::string> pieces_;
  std::size_t piece_ = 0;
  std::size_t sent_before_ = 0;  // program bytes of the pieces before this one
  bool plain_mode_ = false;      // the board has no raw-paste: never ask again
  std::string error_;            // a piece's error text
  bool soft_reset_;
  Step step_ = Step::interrupt;
  std::string in_;
  std::string out_;
  std::string expected_;
  Clock::time_point due_;
  std::size_t sent_ = 0;
  std::uint32_t window_ = 0;
  std::uint32_t window_left_ = 0;
  std::string mode_;
  std::optional<Failure> failure_;
  std::string partial_line_;
  std::vector<std::string> console_;
  std::string last_line_;   // the last console line, for the failure's cause
  std::string reset_line_;  // a ROM banner seen while entering the raw REPL
  std::string stray_;       // text that came instead of raw-paste credit
  std::optional<std::size_t> aborted_after_;
  bool raw_answered_ = false;
  bool busy_ = false;  // when it failed: reading the upload or running it
};

}  // namespace usock::proxy
