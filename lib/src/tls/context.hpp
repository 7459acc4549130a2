#pragma once
// The OpenSSL client context for a set of TlsOptions: TLS 1.2 at least, and
// peer verification against the system store or the given CA file.

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "usock/tls.hpp"

namespace usock::tls {

struct ContextFree {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using ContextPtr = std::unique_ptr<SSL_CTX, ContextFree>;

// Raises TlsError(handshake) when the CA file cannot be loaded.
ContextPtr make_context(const TlsOptions& options);

// The reason of the oldest error on OpenSSL's queue ("wrong version number"),
// or `fallback` when the queue holds none; empties the queue.
std::string take_error_reason(const char* fallback);

}  // namespace usock::tls
