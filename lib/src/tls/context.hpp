#pragma once
// The OpenSSL contexts: a client's for a set of TlsOptions (TLS 1.2 at least,
// peer verification against the system store or the given CA file), and a
// server's presenting a certificate.

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
// A server context presenting the PEM certificate chain and key; raises
// TlsError(handshake) when they cannot be loaded or do not match.
ContextPtr make_server_context(const std::string& cert_file, const std::string& key_file);

// The reason of the oldest error on OpenSSL's queue ("wrong version number"),
// or `fallback` when the queue holds none; empties the queue.
std::string take_error_reason(const char* fallback);

}  // namespace usock::tls
