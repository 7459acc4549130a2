// userve: the counter web server of the MicroPython notes, and a static
// file server.

#include "cli.hpp"
#include "server.hpp"
#include "usock/stack.hpp"

int main(int argc, char** argv) {
  userve::Cli cli;
  return usock::cli::run_tool(cli, argc, argv, [&cli](usock::Stack& stack) {
    return userve::run_server(stack, cli.options(), cli.common().quiet);
  });
}
