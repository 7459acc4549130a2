// Starting the agent with no flashing (issue 7, PROTOCOL.md 7.7): a tool
// whose --device answers with a MicroPython REPL instead of an agent uploads
// the agent through the raw REPL and runs its calls on it. The board is
// tests/support/raw_repl_peer.py on a real pty: it enforces the byte
// sequences (a host past the raw-paste window is a VIOLATION and exit 1)
// and runs what it receives under CPython.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "background.hpp"
#include "file_server.hpp"
#include "process.hpp"

using usock::test::Background;
using usock::test::FileServer;
using usock::test::run;
using usock::test::RunResult;
using usock::test::tool_path;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A board at its REPL: raw_repl_peer.py with `options`, serving one host.
class ReplBoard {
 public:
  explicit ReplBoard(const std::vector<std::string>& options = {})
      // Python starts slowly on a loaded machine, slower still under nice.
      : process_(argv(options)), device_(process_.wait_for_stdout("^(/dev/\\S+)$", 60s)) {}
  const std::string& device() const noexcept { return device_; }
  // The peer's exit status once the host closed the port, and its log.
  int finish() { return process_.wait(30s); }
  const std::string& log() const noexcept { return process_.err(); }

 private:
  static std::vector<std::string> argv(const std::vector<std::string>& options) {
    std::vector<std::string> argv{"python3", USOCK_RAW_REPL_PEER};
    argv.insert(argv.end(), options.begin(), options.end());
    return argv;
  }
  Background process_;
  std::string device_;
};

// A download through a board that had no agent: the agent was uploaded,
// served the calls and handed the board back at its REPL.
void check_download(const std::vector<std::string>& peer_options,
                    const std::vector<std::string>& tool_options = {}) {
  // 1200 attempts, 60 s: python3 starts slowly on a loaded machine under nice.
  FileServer files(std::string(3000, 'u'), "file.txt", 1200);
  ReplBoard board(peer_options);
  std::vector<std::string> argv{tool_path("uhttpget"), "-v", "--device", board.device()};
  argv.insert(argv.end(), tool_options.begin(), tool_options.end());
  argv.push_back(files.url());
  const RunResult result = run(argv, {{}, {}, {}, 60s});
  const int peer_status = board.finish();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 0);
  CHECK(result.out == files.content());
  CHECK(contains(result.err, "starting one through the raw REPL"));
  CHECK(contains(board.log(), "running"));
  CHECK(contains(board.log(), " to main(injected=True)"));
  CHECK(contains(board.log(), "left the raw REPL"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
  CHECK(peer_status == 0);
}

}  // namespace

TEST_CASE("a board at its REPL gets the agent through raw-paste", "[bootstrap]") {
  check_download({"--window", "128"});
}

TEST_CASE("raw-paste credit is never exceeded with the smallest window", "[bootstrap]") {
  check_download({"--window", "32"});
}

TEST_CASE("a board without raw-paste gets the agent in plain raw mode", "[bootstrap]") {
  check_download({"--no-raw-paste"});
}

TEST_CASE("firmware older than raw-paste gets the agent in plain raw mode", "[bootstrap]") {
  check_download({"--old-firmware"});
}

TEST_CASE("soft reset before the upload on request", "[bootstrap]") {
  check_download({}, {"--soft-reset"});
}

TEST_CASE("agent uploads another program", "[bootstrap]") {
  // The agent under another name, marked by its first line.
  const std::string path = "/tmp/usock-bootstrap-agent-" + std::to_string(::getpid()) + ".py";
  {
    std::ifstream agent(USOCK_AGENT_SOURCE);
    std::ofstream(path) << "# another agent\n" << agent.rdbuf();
  }
  ReplBoard board;
  const RunResult result = run(
      {tool_path("ugetaddr"), "--short", "--device", board.device(), "--agent", path, "localhost"},
      {{}, {}, {}, 60s});
  board.finish();
  std::filesystem::remove(path);
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "127.0.0.1"));
  CHECK(contains(board.log(), "from # another agent to main(injected=True)"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
}

TEST_CASE("no inject leaves a board at its REPL alone and exits 97", "[bootstrap]") {
  ReplBoard board;
  const RunResult result =
      run({tool_path("ugetaddr"), "--device", board.device(), "--no-inject", "localhost"});
  board.finish();
  INFO(board.log());
  CHECK(result.exit_code == 97);
  CHECK(contains(result.err, "ugetaddr: error: no agent answering on serial://" + board.device()));
  CHECK(contains(result.err, "drop --no-inject to start the agent"));
  CHECK_FALSE(contains(board.log(), "raw REPL entered"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
}

TEST_CASE("a program that swallows Ctrl-C is could not enter raw REPL", "[bootstrap]") {
  ReplBoard board({"--swallow-ctrl-c"});
  const RunResult result = run({tool_path("ugetaddr"), "--device", board.device(), "localhost"});
  board.finish();
  CHECK(result.exit_code == 97);
  CHECK(contains(result.err, "ugetaddr: error: could not enter raw REPL on serial://"));
  CHECK(contains(result.err, "a program is running that ignores Ctrl-C? it printed: tick"));
}

TEST_CASE("a board that resets into its ROM loader on open is named", "[bootstrap]") {
  ReplBoard board({"--reset-on-open"});
  const RunResult result = run({tool_path("ugetaddr"), "--device", board.device(), "localhost"});
  board.finish();
  CHECK(result.exit_code == 97);
  CHECK(contains(result.err, "could not enter raw REPL on serial://"));
  CHECK(contains(result.err, "the board reset into its ROM bootloader (rst:0x1 (POWERON_RESET)"));
}

TEST_CASE("a traceback instead of the agent is shown", "[bootstrap]") {
  ReplBoard board({"--traceback"});
  const RunResult result = run({tool_path("ugetaddr"), "--device", board.device(), "localhost"});
  board.finish();
  INFO(board.log());
  CHECK(result.exit_code == 97);
  CHECK(contains(result.err, "ugetaddr: error: device agent crashed while starting on serial://"));
  CHECK(contains(result.err, "(MemoryError: memory allocation failed, allocating 4096 bytes)"));
  CHECK(contains(result.err, "Traceback (most recent call last):"));
}
