#pragma once

#include "cli.hpp"
#include "usock/stack.hpp"

namespace userve {

// Binds, announces the address as the seed does, starts the workers and
// serves until SIGINT/SIGTERM or --max-requests; responses in flight finish
// and the exit code is 0.
int run_server(usock::Stack& stack, const Options& options, bool quiet);

}  // namespace userve
