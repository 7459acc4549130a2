// The serial-proxy mode's failures as a user meets them (issue 6,
// PROTOCOL.md 13): a board that resets or vanishes mid-transfer, a line that
// corrupts bytes, a device that is not there or has no agent. Every tool
// runs against a real uboard on a real pty and real peers on loopback.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <string>

#include "background.hpp"
#include "board.hpp"
#include "echo_server.hpp"
#include "file_server.hpp"
#include "process.hpp"
#include "usock/serial.hpp"

using usock::test::Background;
using usock::test::Board;
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

}  // namespace

TEST_CASE("a board reset mid-download ends uhttpget with exit 121 and no output file", "[device]") {
  FileServer files(random_bytes(4 << 20, 42), "file.bin");
  Board board({"--reset-after", "1000000"});
  const RunResult result =
      run({tool_path("uhttpget"), "--device", board.device(), "-o", files.out_path(), files.url()});
  INFO(result.err);
  CHECK(result.exit_code == 121);
  CHECK(contains(result.err, "uhttpget: error: device reset during the transfer"));
  CHECK_FALSE(std::filesystem::exists(files.out_path()));
  // The board comes back and serves the next tool.
  const RunResult again =
      run({tool_path("uhttpget"), "--device", board.device(), "-o", files.out_path(), files.url()});
  CHECK(again.exit_code == 0);
  CHECK(read_file(files.out_path()) == files.content());
}

TEST_CASE("a board reset mid-echo ends uecho with exit 121", "[device]") {
  EchoServer server;
  Board board({"--reset-after", "500000"});
  const RunResult result = run({tool_path("uecho"), "--device", board.device(), "client", "--port",
                                server.port, "--bytes", "8M"});
  CHECK(result.exit_code == 121);
  CHECK(contains(result.err, "device reset during the transfer"));
}

TEST_CASE("a board that vanishes mid-transfer ends the tool with exit 120", "[device]") {
  EchoServer server;
  Board board;
  Background client({tool_path("uecho"), "--device", board.device(), "client", "--port",
                     server.port, "--bytes", "1G"});
  server.process.wait_for_stdout("Connected by");
  ::kill(board.process().pid(), SIGKILL);
  const int status = client.wait();
  INFO(client.err());
  CHECK(status == 120);
  CHECK(contains(client.err(), "uecho: error: device link lost"));
}

// The figures: 1 % of bytes corrupted and 0.1 % dropped, each way.
TEST_CASE("a noisy line loses no byte of a download", "[device]") {
  FileServer files(random_bytes(2 << 20, 42), "file.bin");
  Board board({"--noise", "0.01", "--seed", "11"});
  const RunResult result =
      run({tool_path("uhttpget"), "--device", board.device(), "-o", files.out_path(), files.url()},
          {{}, {}, {}, std::chrono::seconds(600)});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(read_file(files.out_path()) == files.content());
}

TEST_CASE("a noisy line loses no byte of a 10 MiB bulk echo", "[device]") {
  EchoServer server;
  Board board({"--noise", "0.01", "--seed", "5"});
  const RunResult result = run({tool_path("uecho"), "--device", board.device(), "client", "--port",
                                server.port, "--bytes", "10M", "--timeout", "60"},
                               {{}, {}, {}, std::chrono::seconds(800)});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "10485760 bytes (10.0 MiB) echoed in "));
  CHECK(contains(result.out, "every byte verified"));
}

TEST_CASE("a device that does not exist is exit 5 and one without an agent exit 97", "[device]") {
  const RunResult missing =
      run({tool_path("ugetaddr"), "--device", "/dev/ttyUSB-none", "localhost"});
  CHECK(missing.exit_code == 5);
  CHECK(contains(missing.err, "ugetaddr: error: cannot open"));
  // A pseudo-terminal nobody answers on: no ANNOUNCE, so no HELLO either;
  // with injection the raw REPL does not answer either.
  usock::Pty silent;
  const RunResult nobody =
      run({tool_path("ugetaddr"), "--device", silent.path(), "--no-inject", "localhost"});
  CHECK(nobody.exit_code == 97);
  CHECK(contains(nobody.err, "ugetaddr: error: no agent answering on"));
  const RunResult no_repl = run({tool_path("ugetaddr"), "--device", silent.path(), "localhost"});
  CHECK(no_repl.exit_code == 97);
  CHECK(contains(no_repl.err, "ugetaddr: error: could not enter raw REPL on"));
  CHECK(contains(no_repl.err, "nothing answered Ctrl-C and Ctrl-A"));
}

TEST_CASE("a malformed device URI is a usage error", "[device]") {
  for (const char* uri : {"ftp://board", "tcp://127.0.0.1:99999", "serial:///dev/x?baud=7"}) {
    const RunResult result = run({tool_path("ugetaddr"), "--device", uri, "localhost"});
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "--device"));
  }
}
