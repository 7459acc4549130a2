#pragma once
// The suites of the tools run natively and with every socket call tunnelled
// to a board (issue 6, issue 7). USOCK_TEST_DEVICE in the environment says
// which board each usock tool a test starts gets, one of its own, with
// `--device <pty>`: `uboard` runs `uboard --pty`; `agent` runs the
// MicroPython agent (firmware/micropython/usock_agent.py) under CPython with
// `--pty`. The test itself does not change, so every run must give the same
// results.

#include <memory>
#include <string>
#include <vector>

#include "background.hpp"

namespace usock::test {

// Whether this run goes through boards, uboards or agents.
bool through_board();

enum class BoardKind { uboard, agent };

// A board process and the pseudo-terminal it serves: `uboard --pty` with
// `options`, or the agent (`python3 usock_agent.py --pty`; it has no options).
class Board {
 public:
  explicit Board(std::vector<std::string> options = {}, BoardKind kind = BoardKind::uboard);
  const std::string& device() const noexcept { return device_; }
  Background& process() noexcept { return process_; }

 private:
  Background process_;
  std::string device_;
};

// The command that starts the agent on a pty of its own: CPython and the
// agent's source, as the build found them.
std::vector<std::string> agent_command();

// `argv` as it must run: unchanged, or, when it starts a usock tool (other
// than uboard) in a run through boards, with `--device` naming a new board
// that `board` then holds. The board must outlive the tool.
std::vector<std::string> on_board(const std::vector<std::string>& argv,
                                  std::unique_ptr<Board>& board);

}  // namespace usock::test
