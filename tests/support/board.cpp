#include "board.hpp"

#include <cstdlib>
#include <utility>

#include "process.hpp"

namespace usock::test {
namespace {

std::string device_mode() {
  const char* mode = std::getenv("USOCK_TEST_DEVICE");
  return mode != nullptr ? mode : "";
}

std::vector<std::string> board_argv(std::vector<std::string> options, BoardKind kind) {
  std::vector<std::string> argv;
  if (kind == BoardKind::agent) {
    argv = agent_command();
  } else {
    argv = {tool_path("uboard"), "--pty"};
  }
  for (auto& option : options)
    argv.push_back(std::move(option));
  return argv;
}

}  // namespace

bool through_board() {
  const std::string mode = device_mode();
  return mode == "uboard" || mode == "agent";
}

std::vector<std::string> agent_command() {
  return {USOCK_PYTHON, USOCK_AGENT_SOURCE, "--pty"};
}

// An interpreter starts slower than uboard, much slower on a loaded machine:
// a generous bound, which only a broken agent reaches.
Board::Board(std::vector<std::string> options, BoardKind kind)
    : process_(board_argv(std::move(options), kind)),
      device_(process_.wait_for_stdout("^(/dev/\\S+)$", std::chrono::seconds(60))) {}

std::vector<std::string> on_board(const std::vector<std::string>& argv,
                                  std::unique_ptr<Board>& board) {
  if (!through_board() || argv.empty()) return argv;
  const char* bin_dir = std::getenv("USOCK_BIN_DIR");
  if (bin_dir == nullptr) return argv;
  const std::string prefix = std::string(bin_dir) + "/";
  const std::string& program = argv[0];
  const bool is_tool =
      program.rfind(prefix, 0) == 0 && program.find('/', prefix.size()) == std::string::npos;
  if (!is_tool || program == prefix + "uboard" || program.rfind(prefix + "usock-", 0) == 0) {
    return argv;
  }
  const BoardKind kind = device_mode() == "uboard" ? BoardKind::uboard : BoardKind::agent;
  board = std::make_unique<Board>(std::vector<std::string>{}, kind);
  std::vector<std::string> on_device{program, "--device", board->device()};
  on_device.insert(on_device.end(), argv.begin() + 1, argv.end());
  return on_device;
}

}  // namespace usock::test
