#pragma once
// The client's side of an endpoint: a connected TCP socket, or a UDP socket
// and the server's address; failures become the documented exit codes.

#include "cli.hpp"
#include "usock/stack.hpp"

namespace uecho {

struct Peer {
  usock::Socket socket;
  usock::SockAddr address;  // where datagrams go (UDP) or the connected peer
};

Peer open_peer(usock::Stack& stack, const Endpoint& endpoint, double timeout);

// Turns a socket error during the exchange into a message and an exit code.
[[noreturn]] void fail_exchange(const usock::OSError& error, const usock::SockAddr& peer);

}  // namespace uecho
