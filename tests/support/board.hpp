#pragma once
// The suites of the tools run twice: natively, and with every socket call
// tunnelled to an emulated board (issue 6). With USOCK_TEST_DEVICE=uboard
// in the environment, each usock tool a test starts gets a board of its own,
// `uboard --pty`, and `--device <pty>`; the test itself does not change, so
// both runs must give the same results.

#include <memory>
#include <string>
#include <vector>

#include "background.hpp"

namespace usock::test {

// Whether this run goes through emulated boards.
bool through_board();

// A `uboard --pty` process and the pseudo-terminal it serves.
class Board {
 public:
  explicit Board(std::vector<std::string> options = {});
  const std::string& device() const noexcept { return device_; }
  Background& process() noexcept { return process_; }

 private:
  Background process_;
  std::string device_;
};

// `argv` as it must run: unchanged, or, when it starts a usock tool (other
// than uboard) in a run through boards, with `--device` naming a new board
// that `board` then holds. The board must outlive the tool.
std::vector<std::string> on_board(const std::vector<std::string>& argv,
                                  std::unique_ptr<Board>& board);

}  // namespace usock::test
