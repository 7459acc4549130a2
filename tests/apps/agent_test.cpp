// The MicroPython agent (firmware/micropython/usock_agent.py) under CPython,
// as the host meets a board running it (issue 7): one agent serving host
// tool after host tool on its pty, an agent that dies mid-transfer, and a
// noisy line between host and agent. The tool suites also run through it
// ("… on agent"); these are the cases those cannot show.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "background.hpp"
#include "board.hpp"
#include "echo_server.hpp"
#include "file_server.hpp"
#include "process.hpp"

using usock::test::Background;
using usock::test::Board;
using usock::test::BoardKind;
using usock::test::EchoServer;
using usock::test::FileServer;
using usock::test::random_bytes;
using usock::test::read_file;
using usock::test::run;
using usock::test::RunResult;
using usock::test::tool_path;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string temp_dir() {
  char dir[] = "/tmp/usock-agent-XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
  return dir;
}

// The agent as main.py starts it: usock_agent.main(ARGUMENTS).
std::vector<std::string> agent_main(const std::string& arguments) {
  const std::string dir = std::filesystem::path(USOCK_AGENT_SOURCE).parent_path();
  return {"python3", "-c",
          "import sys; sys.path.insert(0, '" + dir + "'); import usock_agent; usock_agent.main(" +
              arguments + ")"};
}

// A noisy line in front of an agent (tests/support/noisy_relay.py).
struct NoisyLine {
  NoisyLine(const std::string& device, const std::string& noise, const std::string& seed)
      : relay({"python3", USOCK_TEST_SUPPORT "/noisy_relay.py", device, noise, seed}),
        path(relay.wait_for_stdout("^(/dev/\\S+)$")) {}
  Background relay;
  std::string path;
};

}  // namespace

TEST_CASE("one agent serves host tool after host tool and reports the board", "[agent]") {
  Board agent({}, BoardKind::agent);
  for (int i = 0; i < 3; ++i) {
    const RunResult result =
        run({tool_path("ugetaddr"), "--device", agent.device(), "-v", "127.0.0.1", "80"});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(contains(result.out, "IP: 127.0.0.1, Port: 80"));
    CHECK(contains(result.err, "device: linux ("));
    CHECK(contains(result.err, ", cpython 3."));
  }
}

TEST_CASE("an agent killed mid-echo ends uecho with exit 120", "[agent]") {
  EchoServer server;
  Board agent({}, BoardKind::agent);
  Background client({tool_path("uecho"), "--device", agent.device(), "client", "--port",
                     server.port, "--bytes", "1G"});
  server.process.wait_for_stdout("Connected by");
  ::kill(agent.process().pid(), SIGKILL);
  const int status = client.wait();
  INFO(client.err());
  CHECK(status == 120);
  CHECK(contains(client.err(), "uecho: error: device link lost"));
}

TEST_CASE("an agent killed mid-download leaves no partial output file", "[agent]") {
  Background peer({"python3", USOCK_TEST_PEERS "/http_peer.py"});
  const std::string port = peer.wait_for_stderr("listening on (\\d+)");
  const std::string dir = temp_dir();
  const std::string out = dir + "/slow.out";
  Board agent({}, BoardKind::agent);
  Background client({tool_path("uhttpget"), "--device", agent.device(), "-v", "-o", out,
                     "http://127.0.0.1:" + port + "/slow"});
  // The body comes one byte a second, into a temporary file beside `out`.
  client.wait_for_stderr("< Content-Length: 10");
  ::kill(agent.process().pid(), SIGKILL);
  const int status = client.wait();
  INFO(client.err());
  CHECK(status == 120);
  CHECK(contains(client.err(), "uhttpget: error: device link lost"));
  CHECK(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a noisy line to the agent loses no byte of a download", "[agent]") {
  FileServer files(random_bytes(64 << 10, 7), "file.bin");
  Board agent({}, BoardKind::agent);
  NoisyLine line(agent.device(), "0.005", "11");
  const RunResult result =
      run({tool_path("uhttpget"), "--device", line.path, "-o", files.out_path(), files.url()},
          {{}, {}, {}, std::chrono::seconds(100)});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(read_file(files.out_path()) == files.content());
}

TEST_CASE("a noisy line to the agent loses no byte of a bulk echo", "[agent]") {
  EchoServer server;
  Board agent({}, BoardKind::agent);
  NoisyLine line(agent.device(), "0.005", "5");
  const RunResult result = run({tool_path("uecho"), "--device", line.path, "client", "--port",
                                server.port, "--bytes", "64K", "--timeout", "60"},
                               {{}, {}, {}, std::chrono::seconds(100)});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "65536 bytes (64.0 KiB) echoed in "));
  CHECK(contains(result.out, "every byte verified"));
}

TEST_CASE("an agent started with its smallest link serves a download and an echo", "[agent]") {
  // main(mtu=256) in main.py: 256-byte frames and a 512-byte input window,
  // for a board short of heap; the host splits its messages to fit.
  Background board(agent_main("pty=True, mtu=256"));
  const std::string device = board.wait_for_stdout("^(/dev/\\S+)$");
  FileServer files(random_bytes(64 << 10, 9), "file.bin");
  const RunResult download =
      run({tool_path("uhttpget"), "--device", device, "-vv", "-o", files.out_path(), files.url()},
          {{}, {}, {}, std::chrono::seconds(60)});
  INFO(download.err);
  REQUIRE(download.exit_code == 0);
  CHECK(read_file(files.out_path()) == files.content());
  CHECK(contains(download.err, "device: link: mtu 256, rx_win 512, rx_safe 224"));
  EchoServer server;
  const RunResult echo = run({tool_path("uecho"), "--device", device, "client", "--port",
                              server.port, "--bytes", "64K", "--timeout", "60"},
                             {{}, {}, {}, std::chrono::seconds(60)});
  INFO(echo.err);
  CHECK(echo.exit_code == 0);
  CHECK(contains(echo.out, "every byte verified"));
}

TEST_CASE("an agent refuses a link smaller than the protocol allows", "[agent]") {
  Background board(agent_main("pty=True, mtu=128"));
  CHECK(board.wait(std::chrono::seconds(30)) != 0);
  CHECK(contains(board.err(), "ValueError: mtu must be 256 to 1024"));
}

TEST_CASE("an agent on a UART of its own serves tool after tool and leaves the REPL alone",
          "[agent]") {
  // main.py's usock_agent.main(uart=..., rxbuf=260): the smallest ring the
  // agent takes, so its credit window is the smallest too (224 bytes).
  Background board({"python3", USOCK_TEST_SUPPORT "/uart_board.py", USOCK_AGENT_SOURCE, "260"});
  const std::string device = board.wait_for_stdout("^(/dev/\\S+)$");
  FileServer files(random_bytes(64 << 10, 3), "file.bin");
  for (int i = 0; i < 2; ++i) {
    const RunResult result =
        run({tool_path("uhttpget"), "--device", device, "-v", "-o", files.out_path(), files.url()},
            {{}, {}, {}, std::chrono::seconds(60)});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(read_file(files.out_path()) == files.content());
    CHECK(contains(result.err, "device: linux ("));
  }
  const RunResult names = run({tool_path("ugetaddr"), "--device", device, "--short", "localhost"});
  CHECK(names.exit_code == 0);
  CHECK(contains(names.out, "127.0.0.1"));
  board.stop();
  INFO(board.err());
  // The REPL's line (the board's stdout) heard nothing after the path.
  CHECK(board.out() == device + "\n");
  CHECK(board.err().empty());
}

TEST_CASE("an agent on a UART opened with too small a ring says so", "[agent]") {
  Background board({"python3", USOCK_TEST_SUPPORT "/uart_board.py", USOCK_AGENT_SOURCE, "256"});
  const int status = board.wait(std::chrono::seconds(30));
  CHECK(status != 0);
  CHECK(contains(board.err(), "ValueError: open the UART with rxbuf=260 or more"));
}
