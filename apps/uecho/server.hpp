#pragma once

#include "cli.hpp"
#include "usock/stack.hpp"

namespace uecho {

// Binds, starts the workers and serves until SIGINT/SIGTERM (exit 0) or,
// with --once, until the first client is done.
int run_server(usock::Stack& stack, const Endpoint& endpoint, const ServerOptions& options,
               bool quiet);

}  // namespace uecho
