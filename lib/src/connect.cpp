#include "usock/connect.hpp"

#include <cerrno>
#include <exception>

#include "usock/error.hpp"
#include "usock/link_error.hpp"

namespace usock {

Socket create_connection(Stack& stack, std::string_view host, std::string_view port,
                         const ConnectOptions& options) {
  const auto infos = stack.getaddrinfo(host, port, {options.family, options.type, 0, 0});
  std::exception_ptr last_error;
  for (const auto& info : infos) {
    std::optional<Socket> socket;
    try {
      socket.emplace(stack.socket(info.family, info.type, info.proto));
      // A new socket already blocks: only a real timeout is worth a call.
      if (options.timeout) socket->settimeout(options.timeout);
      socket->connect(info.addr);
      return std::move(*socket);
    } catch (const LinkError&) {
      // The line to the board is gone: no other address can do better.
      if (socket) socket->close();
      throw;
    } catch (const OSError&) {
      // Kept whole, not sliced: the tool maps its exact type to an exit code.
      last_error = std::current_exception();
      // As Python's create_connection does, and so --trace shows it.
      if (socket) socket->close();
    }
  }
  if (last_error) std::rethrow_exception(last_error);
  throw OSError::from_resolver(eai::noname);
}

}  // namespace usock
