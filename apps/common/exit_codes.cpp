#include "exit_codes.hpp"

#include <cerrno>

#include "usock/error.hpp"
#include "usock/link_error.hpp"
#include "usock/tls/error.hpp"

namespace usock::cli {
namespace {

int exit_code_for_link(LinkError::Kind kind) {
  switch (kind) {
    case LinkError::Kind::not_found:
      return kExitNoDevice;
    case LinkError::Kind::unavailable:
      return kExitConnect;
    case LinkError::Kind::handshake:
      return kExitDeviceHandshake;
    case LinkError::Kind::lost:
      return kExitLinkLost;
    case LinkError::Kind::reset:
      return kExitDeviceReset;
    case LinkError::Kind::noisy:
      return kExitLinkNoisy;
    case LinkError::Kind::agent_crashed:
      return kExitAgentCrashed;
    case LinkError::Kind::interrupted:
      return kExitInterrupted;
  }
  return kExitFailure;
}

}  // namespace

int exit_code_for(const std::exception& error) {
  const auto* os_error = dynamic_cast<const OSError*>(&error);
  if (os_error == nullptr) return kExitFailure;
  if (const auto* link_error = dynamic_cast<const LinkError*>(os_error)) {
    return exit_code_for_link(link_error->kind());
  }
  if (const auto* tls_error = dynamic_cast<const TlsError*>(os_error)) {
    switch (tls_error->kind()) {
      case TlsError::Kind::handshake:
        return kExitTls;
      case TlsError::Kind::verify:
        return kExitCertificate;
      case TlsError::Kind::protocol:
        return kExitRecv;
    }
  }
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
