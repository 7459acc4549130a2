// uecho: the echo server and client of the socket programming notes.

#include "cli.hpp"
#include "client.hpp"
#include "exit_codes.hpp"
#include "progress.hpp"
#include "server.hpp"
#include "usock/stack.hpp"

int main(int argc, char** argv) {
  uecho::Cli cli;
  return usock::cli::run_tool(cli, argc, argv, [&cli](usock::Stack& stack) {
    const auto& endpoint = cli.endpoint();
    if (cli.server_chosen()) {
      return uecho::run_server(stack, endpoint, cli.server(), cli.common().quiet);
    }
    const auto& options = cli.client();
    if (options.bytes) {
      if (endpoint.udp) {
        throw usock::cli::Failure(usock::cli::kExitUsage,
                                  "bulk mode (--bytes) needs TCP: UDP may drop datagrams");
      }
      const bool progress = !cli.common().quiet && usock::cli::Progress::stderr_is_terminal();
      return uecho::run_bulk(stack, endpoint, options, progress);
    }
    if (options.count) return uecho::run_ping(stack, endpoint, options);
    return uecho::run_echo_once(stack, endpoint, options);
  });
}
