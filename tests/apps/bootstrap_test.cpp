// Starting the agent with no flashing (issue 7, PROTOCOL.md 7.7): a tool
// whose --device answers with a MicroPython REPL instead of an agent uploads
// the agent through the raw REPL and runs its calls on it. The board is
// tests/support/raw_repl_peer.py on a real pty: it enforces the byte
// sequences (a host past the raw-paste window is a VIOLATION and exit 1)
// and runs what it receives under CPython, each exec in the namespace the
// ones before left, as a board does. Every start that reached the raw REPL,
// failed or not, must leave the board at its friendly REPL.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
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
  // Ends a peer that serves host after host (--main-py).
  int stop() { return process_.stop(); }
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

// An --agent FILE for one test: `text` in a file of its own, gone with it.
class ProgramFile {
 public:
  ProgramFile(const std::string& name, const std::string& text)
      : path_("/tmp/usock-bootstrap-" + name + "-" + std::to_string(::getpid()) + ".py") {
    std::ofstream(path_) << text;
  }
  ProgramFile(const ProgramFile&) = delete;
  ProgramFile& operator=(const ProgramFile&) = delete;
  ~ProgramFile() { std::filesystem::remove(path_); }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

std::string agent_source() {
  std::ifstream agent(USOCK_AGENT_SOURCE);
  return std::string(std::istreambuf_iterator<char>(agent), std::istreambuf_iterator<char>());
}

struct Logs {
  std::string tool;
  std::string board;
};

// A download through a board that had no agent: the agent was uploaded,
// served the calls and handed the board back at its REPL.
Logs check_download(const std::vector<std::string>& peer_options,
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
  CHECK(contains(board.log(), "ended at the friendly REPL"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
  CHECK(peer_status == 0);
  return {result.err, board.log()};
}

// Seconds on the clock the peer logs in (Python's time.monotonic() and
// steady_clock both read CLOCK_MONOTONIC).
double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A board that restarts after the first raw-paste window: `kind` "hard" (a
// ROM banner) or "soft" (MicroPython's soft reboot). The tool exits 121
// within 2 s of the reset and leaves the board at its friendly REPL.
void check_reset_during_upload(const std::string& kind, const std::string& banner_line) {
  ReplBoard board({"--reset-during-upload", kind});
  const RunResult result = run({tool_path("ugetaddr"), "--device", board.device(), "localhost"});
  const double exited = now_seconds();
  board.finish();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 121);
  CHECK(
      contains(result.err, "ugetaddr: error: device reset during the agent's upload on serial://" +
                               board.device() + "?baud=115200 (" + banner_line));
  std::smatch reset;
  REQUIRE(
      std::regex_search(board.log(), reset, std::regex("reset during the upload at ([0-9.]+)")));
  CHECK(exited - std::stod(reset[1]) < 2.0);
  CHECK(contains(board.log(), "ended at the friendly REPL"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
}

}  // namespace

TEST_CASE("a board at its REPL gets the agent through raw-paste", "[bootstrap]") {
  check_download({"--window", "128"});
}

TEST_CASE("the agent goes in pieces, one exec each, the last one running it", "[bootstrap]") {
  const Logs logs = check_download({"--window", "128"});
  const std::regex exec("exec ([0-9]+): running [0-9]+ bytes from (.*) to (.*)");
  std::vector<std::smatch> execs(std::sregex_iterator(logs.board.begin(), logs.board.end(), exec),
                                 std::sregex_iterator());
  REQUIRE(execs.size() > 1);
  CHECK(
      contains(logs.tool, "(raw-paste, window 128, " + std::to_string(execs.size()) + " pieces)"));
  CHECK(execs.back()[3] == "main(injected=True)");
  for (std::size_t i = 0; i + 1 < execs.size(); ++i)
    CHECK(execs[i][3] != "main(injected=True)");
}

TEST_CASE("with --agent-mtu the agent starts with a smaller link", "[bootstrap]") {
  FileServer files(std::string(3000, 'u'), "file.txt", 1200);
  ReplBoard board({"--window", "128"});
  const RunResult result = run(
      {tool_path("uhttpget"), "-vv", "--device", board.device(), "--agent-mtu", "256", files.url()},
      {{}, {}, {}, 60s});
  const int peer_status = board.finish();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 0);
  CHECK(result.out == files.content());
  CHECK(contains(board.log(), " to main(injected=True, mtu=256)"));
  CHECK(contains(result.err, "device: link: mtu 256, rx_win 512, rx_safe 224"));
  CHECK_FALSE(contains(result.err, "bytes, not the"));
  CHECK(peer_status == 0);
}

TEST_CASE("a tool warns when the uploaded agent ignores --agent-mtu", "[bootstrap]") {
  // The agent with a main() of its own that drops mtu.
  const ProgramFile agent("agent", agent_source() +
                                       "\n_serve = main\n\n\ndef main(injected=False, mtu=None):\n"
                                       "    _serve(injected)\n");
  ReplBoard board;
  const RunResult result = run({tool_path("ugetaddr"), "--short", "--device", board.device(),
                                "--agent", agent.path(), "--agent-mtu", "256", "localhost"},
                               {{}, {}, {}, 60s});
  board.finish();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "127.0.0.1"));
  CHECK(contains(result.err,
                 "device: the agent's link has frames of up to 1024 bytes, not the 256 of "
                 "--agent-mtu (the --agent file's main() ignores mtu)"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
}

TEST_CASE("a tool warns when the agent that answers keeps its own link, not --agent-mtu",
          "[bootstrap]") {
  // An agent already running (from main.py) answers: nothing is uploaded,
  // and its link stays at 1024.
  ReplBoard board({"--main-py", USOCK_AGENT_SOURCE});
  const RunResult result = run({tool_path("ugetaddr"), "--short", "--device", board.device(),
                                "--agent-mtu", "256", "127.0.0.1"});
  board.stop();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "127.0.0.1"));
  CHECK(contains(result.err,
                 "device: the agent's link has frames of up to 1024 bytes, not the 256 of "
                 "--agent-mtu (the agent was running already; one started from main.py takes "
                 "main(mtu=256))"));
  CHECK_FALSE(contains(board.log(), "raw REPL entered"));
}

TEST_CASE(
    "an --agent-mtu outside 256 to 1024, without --device or with --no-inject, is a "
    "usage error",
    "[bootstrap]") {
  for (const auto& value : {"255", "1025", "x"}) {
    const RunResult result =
        run({tool_path("ugetaddr"), "--device", "/dev/null", "--agent-mtu", value, "localhost"});
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "--agent-mtu"));
  }
  const RunResult alone = run({tool_path("ugetaddr"), "--agent-mtu", "256", "localhost"});
  CHECK(alone.exit_code == 2);
  CHECK(contains(alone.err, "--device"));
  const RunResult waiting = run({tool_path("ugetaddr"), "--device", "/dev/null", "--no-inject",
                                 "--agent-mtu", "256", "localhost"});
  CHECK(waiting.exit_code == 2);
  CHECK(contains(waiting.err, "--no-inject"));
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
  const ProgramFile agent("agent", "# another agent\n" + agent_source());
  ReplBoard board;
  const RunResult result = run({tool_path("ugetaddr"), "--short", "--device", board.device(),
                                "--agent", agent.path(), "localhost"},
                               {{}, {}, {}, 60s});
  board.finish();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "127.0.0.1"));
  CHECK(contains(board.log(), "exec 1: running "));
  CHECK(contains(board.log(), " bytes from # another agent to "));
  CHECK(contains(board.log(), " to main(injected=True)"));
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
  CHECK(contains(board.log(), "ended at the friendly REPL"));
}

TEST_CASE("a piece that fails on the board ends the start with its error", "[bootstrap]") {
  ReplBoard board({"--fail-exec", "2"});
  const RunResult result = run({tool_path("ugetaddr"), "--device", board.device(), "localhost"});
  board.finish();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 97);
  CHECK(contains(result.err, "ugetaddr: error: could not start the agent on serial://" +
                                 board.device() + "?baud=115200 (part 2 of "));
  CHECK(contains(result.err,
                 " of the upload failed: MemoryError: memory allocation failed, allocating 4096 "
                 "bytes)"));
  CHECK(contains(result.err, "Traceback (most recent call last):"));
  CHECK_FALSE(contains(board.log(), "exec 3:"));
  CHECK(contains(board.log(), "ended at the friendly REPL"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
}

TEST_CASE("a program that never announces is interrupted and the board handed back",
          "[bootstrap]") {
  // Reads its stdin until Ctrl-C, as an agent stuck before its ANNOUNCE.
  const ProgramFile mute("mute",
                         "import os, select\n"
                         "def main(injected=False):\n"
                         "    data = b''\n"
                         "    while b'\\x03' not in data:\n"
                         "        select.select([0], [], [])\n"
                         "        data = os.read(0, 64)\n");
  ReplBoard board;
  const RunResult result =
      run({tool_path("ugetaddr"), "--device", board.device(), "--agent", mute.path(), "localhost"},
          {{}, {}, {}, 60s});
  board.finish();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 97);
  CHECK(contains(result.err, "the agent was uploaded but never announced itself"));
  CHECK(contains(board.log(), "the program exited with 0"));
  CHECK(contains(board.log(), "ended at the friendly REPL"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
}

TEST_CASE("a board reset during the upload exits 121 at once", "[bootstrap]") {
  check_reset_during_upload("hard", "rst:0x1 (POWERON_RESET)");
}

TEST_CASE("a soft reboot during the upload exits 121 at once", "[bootstrap]") {
  check_reset_during_upload("soft", "MPY: soft reboot");
}

TEST_CASE("a raw-paste upload the board aborts shows its error", "[bootstrap]") {
  ReplBoard board({"--abort-paste"});
  const RunResult result = run({tool_path("ugetaddr"), "--device", board.device(), "localhost"});
  board.finish();
  INFO(result.err);
  INFO(board.log());
  CHECK(result.exit_code == 97);
  CHECK(contains(result.err, "ugetaddr: error: could not start the agent on serial://" +
                                 board.device() +
                                 "?baud=115200 (the board ended the upload early, "));
  CHECK(contains(result.err, " bytes sent: SyntaxError: invalid syntax)"));
  // Its Ctrl-D ended the paste, and nothing beyond the window came after.
  CHECK(contains(board.log(), "the host ended the aborted paste with b'\\x04'"));
  CHECK(contains(board.log(), "ended at the friendly REPL"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
}

TEST_CASE("an agent started from main.py serves tool after tool", "[bootstrap]") {
  // BYE without EXIT (PROTOCOL.md 7.6): the agent stays for the next tool.
  ReplBoard board({"--main-py", USOCK_AGENT_SOURCE});
  for (int i = 0; i < 2; ++i) {
    const RunResult result = run(
        {tool_path("ugetaddr"), "--short", "--device", board.device(), "--no-inject", "127.0.0.1"});
    INFO(result.err);
    INFO(board.log());
    CHECK(result.exit_code == 0);
    CHECK(contains(result.out, "127.0.0.1"));
  }
  board.stop();
  INFO(board.log());
  CHECK_FALSE(contains(board.log(), "the program exited"));
  CHECK_FALSE(contains(board.log(), "raw REPL entered"));
  CHECK_FALSE(contains(board.log(), "VIOLATION"));
}
