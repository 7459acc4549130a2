#pragma once

#include "cli.hpp"
#include "usock/stack.hpp"

namespace uecho {

// The documented client: send the message, print "Received b'...'".
int run_echo_once(usock::Stack& stack, const Endpoint& endpoint, const ClientOptions& options);
// Ping mode: --count messages, one round-trip time each, then statistics.
int run_ping(usock::Stack& stack, const Endpoint& endpoint, const ClientOptions& options);
// Bulk mode: stream --bytes of generated data, verify the echo, report rate.
int run_bulk(usock::Stack& stack, const Endpoint& endpoint, const ClientOptions& options,
             bool show_progress);

}  // namespace uecho
