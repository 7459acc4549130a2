#pragma once
// TlsError: a TLS failure, as an OSError (CPython's ssl.SSLError is one too),
// so a tool's single `catch (const OSError&)` still sees it, and its kind
// picks the exit code (handshake 35, certificate 60, as curl).
//
// Defined inline on purpose: with no out-of-line member the type's identity is
// emitted wherever it is used, so apps/common can map it without linking the
// TLS library, and tools that never use TLS never load OpenSSL.

#include <string>
#include <utility>

#include "usock/error.hpp"

namespace usock {

class TlsError : public OSError {
 public:
  enum class Kind {
    handshake,  // no TLS session came up: protocol mismatch, alert, peer gone
    verify,     // the peer's certificate was refused (reason: the X509 verdict)
    protocol,   // the session broke after the handshake (bad record, alert)
  };

  // code: EPROTO for TLS failures, or the errno of the transport failure
  // that ended the handshake (ECONNRESET). reason: "certificate has expired".
  TlsError(Kind kind, int code, std::string reason)
      : OSError(code, std::move(reason)), kind_(kind) {}

  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

}  // namespace usock
