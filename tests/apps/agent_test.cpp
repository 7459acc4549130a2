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
#include <fstream>
#include <random>
#include <string>

#include "background.hpp"
#include "board.hpp"
#include "nginx.hpp"
#include "process.hpp"

using usock::test::Background;
using usock::test::Board;
using usock::test::BoardKind;
using usock::test::free_tcp_port;
using usock::test::run;
using usock::test::RunResult;
using usock::test::tool_path;
using usock::test::wait_for_port;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string temp_dir() {
  char dir[] = "/tmp/usock-agent-XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
  return dir;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A file of random bytes served by python3's http.server on 127.0.0.1.
class FileServer {
 public:
  explicit FileServer(std::size_t size)
      : dir_(temp_dir()),
        port_(std::to_string(free_tcp_port())),
        server_(
            {"python3", "-m", "http.server", port_, "--bind", "127.0.0.1", "--directory", dir_}) {
    std::mt19937 random(7);
    content_.resize(size);
    for (auto& byte : content_)
      byte = static_cast<char>(random());
    std::ofstream(dir_ + "/file.bin", std::ios::binary) << content_;
    wait_for_port(std::stoi(port_));
  }
  ~FileServer() { std::filesystem::remove_all(dir_); }
  std::string url() const { return "http://127.0.0.1:" + port_ + "/file.bin"; }
  const std::string& content() const { return content_; }
  std::string out_path() const { return dir_ + "/out.bin"; }

 private:
  std::string dir_;
  std::string port_;
  Background server_;
  std::string content_;
};

struct EchoServer {
  EchoServer() : process({tool_path("uecho"), "server", "--port", "0"}) {
    port = process.wait_for_stderr("listening on \\('127\\.0\\.0\\.1', (\\d+)\\)");
  }
  Background process;
  std::string port;
};

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
  FileServer files(64 << 10);
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
