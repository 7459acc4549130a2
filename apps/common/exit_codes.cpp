#include "exit_codes.hpp"

#include <cerrno>

#include "usock/error.hpp"

namespace usock::cli {

int exit_code_for(const std::exception& error) {
  const auto* os_error = dynamic_cast<const OSError*>(&error);
  if (os_error == nullptr) return kExitFailure;
  if (os_error->is_resolver_error()) return kExitResolve;
  switch (os_error->code()) {
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
      return kExitConnect;
    case ETIMEDOUT:
      return kExitTimeout;
    case EPIPE:
      return kExitSend;
    case ECONNRESET:
    case ECONNABORTED:
      return kExitRecv;
    default:
      return kExitFailure;
  }
}

}  // namespace usock::cli
