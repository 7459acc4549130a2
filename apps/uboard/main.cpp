// uboard: the device side of the serial-proxy protocol, playing a board on
// this host (PROTOCOL.md 11).

#include <signal.h>

#include <atomic>
#include <csignal>

#include "board.hpp"
#include "cli.hpp"
#include "port.hpp"
#include "tool.hpp"
#include "usock/stack.hpp"

namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) {
  stop_requested.store(true);
}

// No SA_RESTART: the signal ends the loop's epoll_wait, which then sees the flag.
void on_stop_signals() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  // A host that closes the line mid-write is a lost client, not a fatal signal.
  ::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int main(int argc, char** argv) {
  uboard::Cli cli;
  return usock::cli::run_tool(cli, argc, argv, [&cli](usock::Stack& stack) {
    on_stop_signals();
    uboard::Port port(cli.line());
    // Scripts and tests read the pty's path from the first line.
    if (cli.line().pty) usock::cli::write_stdout(port.name() + "\n");
    uboard::Board board(cli, stack, port);
    board.run(stop_requested);
    return 0;
  });
}
