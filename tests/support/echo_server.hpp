#pragma once
// uecho's server on loopback, natively, for clients that go through a board.

#include <string>

#include "background.hpp"
#include "process.hpp"

namespace usock::test {

struct EchoServer {
  EchoServer() : process({tool_path("uecho"), "server", "--port", "0"}) {
    port = process.wait_for_stderr("listening on \\('127\\.0\\.0\\.1', (\\d+)\\)");
  }
  Background process;
  std::string port;
};

}  // namespace usock::test
