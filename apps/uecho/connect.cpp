#include "connect.hpp"

#include <cerrno>

#include "exit_codes.hpp"
#include "tool.hpp"
#include "usock/connect.hpp"
#include "usock/error.hpp"

namespace uecho {

using usock::cli::Failure;

Peer open_peer(usock::Stack& stack, const Endpoint& endpoint, double timeout) {
  const std::string host = endpoint.host_or_default();
  const std::string port = std::to_string(endpoint.port);
  const auto type = endpoint.udp ? usock::SockType::dgram : usock::SockType::stream;
  try {
    if (endpoint.udp) {
      const auto where = stack.getaddrinfo(host, port, {endpoint.family, type, 0, 0}).at(0);
      usock::Socket socket = stack.socket(where.family, where.type, where.proto);
      socket.settimeout(timeout);
      return Peer{std::move(socket), where.addr};
    }
    usock::Socket socket =
        usock::create_connection(stack, host, port, {endpoint.family, type, timeout});
    const usock::SockAddr address = socket.getpeername();
    return Peer{std::move(socket), address};
  } catch (const usock::OSError& error) {
    usock::cli::rethrow_link_error(error);
    const std::string cause = usock::cli::describe_cause(error);
    if (error.is_resolver_error()) {
      throw Failure(usock::cli::kExitResolve, "cannot resolve '" + host + "'", cause);
    }
    throw Failure(usock::cli::exit_code_for(error), "cannot connect to " + host + " port " + port,
                  cause);
  }
}

void fail_exchange(const usock::OSError& error, const usock::SockAddr& peer) {
  usock::cli::rethrow_link_error(error);
  const std::string cause = usock::cli::describe_cause(error);
  if (error.code() == ETIMEDOUT) {
    throw Failure(usock::cli::kExitTimeout, "no echo from " + peer.repr() + " in time", cause);
  }
  throw Failure(usock::cli::exit_code_for(error), "echo with " + peer.repr() + " failed", cause);
}

}  // namespace uecho
