#include "board.hpp"

#include <cstdlib>
#include <utility>

#include "process.hpp"

namespace usock::test {
namespace {

std::vector<std::string> uboard_argv(std::vector<std::string> options) {
  std::vector<std::string> argv{tool_path("uboard"), "--pty"};
  for (auto& option : options)
    argv.push_back(std::move(option));
  return argv;
}

}  // namespace

bool through_board() {
  const char* mode = std::getenv("USOCK_TEST_DEVICE");
  return mode != nullptr && std::string(mode) == "uboard";
}

Board::Board(std::vector<std::string> options)
    : process_(uboard_argv(std::move(options))),
      device_(process_.wait_for_stdout("^(/dev/\\S+)$")) {}

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
  board = std::make_unique<Board>();
  std::vector<std::string> on_device{program, "--device", board->device()};
  on_device.insert(on_device.end(), argv.begin() + 1, argv.end());
  return on_device;
}

}  // namespace usock::test
