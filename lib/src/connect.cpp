#include "usock/connect.hpp"

#include <cerrno>

#include "usock/error.hpp"

namespace usock {

Socket create_connection(Stack& stack, std::string_view host, std::string_view port,
                         const ConnectOptions& options) {
  const auto infos = stack.getaddrinfo(host, port, {options.family, options.type, 0, 0});
  std::optional<OSError> last_error;
  for (const auto& info : infos) {
    std::optional<Socket> socket;
    try {
      socket.emplace(stack.socket(info.family, info.type, info.proto));
      // A new socket already blocks: only a real timeout is worth a call.
      if (options.timeout) socket->settimeout(options.timeout);
      socket->connect(info.addr);
      return std::move(*socket);
    } catch (const OSError& error) {
      last_error = error;
      // As Python's create_connection does, and so --trace shows it.
      if (socket) socket->close();
    }
  }
  if (last_error) throw *last_error;
  throw OSError::from_resolver(eai::noname);
}

}  // namespace usock
