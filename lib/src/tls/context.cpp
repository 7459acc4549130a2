#include "context.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <cerrno>
#include <new>

#include "usock/tls.hpp"

namespace usock::tls {

std::string take_error_reason(const char* fallback) {
  std::string reason;
  while (const unsigned long code = ERR_get_error()) {
    const char* text = ERR_reason_error_string(code);
    if (reason.empty() && text != nullptr) reason = text;
  }
  return reason.empty() ? fallback : reason;
}

ContextPtr make_context(const TlsOptions& options) {
  ERR_clear_error();
  ContextPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context) throw std::bad_alloc();
  // TLS 1.0 and 1.1 are deprecated (RFC 8996).
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  if (!options.verify) {
    SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
    return context;
  }
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  const bool loaded = options.ca_file ? SSL_CTX_load_verify_locations(
                                            context.get(), options.ca_file->c_str(), nullptr) == 1
                                      : SSL_CTX_set_default_verify_paths(context.get()) == 1;
  if (!loaded) {
    const std::string what = options.ca_file ? "CA file '" + *options.ca_file + "'" : "system CAs";
    throw TlsError(TlsError::Kind::handshake, EPROTO,
                   "cannot load " + what + ": " + take_error_reason("unreadable"));
  }
  return context;
}

ContextPtr make_server_context(const std::string& cert_file, const std::string& key_file) {
  ERR_clear_error();
  ContextPtr context(SSL_CTX_new(TLS_server_method()));
  if (!context) throw std::bad_alloc();
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  const auto refuse = [](const std::string& what) {
    throw TlsError(TlsError::Kind::handshake, EPROTO,
                   "cannot load " + what + ": " + take_error_reason("unreadable"));
  };
  if (SSL_CTX_use_certificate_chain_file(context.get(), cert_file.c_str()) != 1) {
    refuse("certificate '" + cert_file + "'");
  }
  if (SSL_CTX_use_PrivateKey_file(context.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    refuse("private key '" + key_file + "'");
  }
  if (SSL_CTX_check_private_key(context.get()) != 1) {
    refuse("private key '" + key_file + "' for certificate '" + cert_file + "'");
  }
  return context;
}

}  // namespace usock::tls

namespace usock {

std::string tls_library_version() {
  return OpenSSL_version(OPENSSL_VERSION);
}

}  // namespace usock
