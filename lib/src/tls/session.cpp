#include "session.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <exception>
#include <new>
#include <utility>

#include "usock/error.hpp"

namespace usock::tls {
namespace {

// Checked before any work: verifying a certificate without a name to match
// would accept any valid certificate for any host.
const TlsOptions& checked(const TlsOptions& options) {
  if (options.verify && options.server_hostname.empty()) {
    throw OSError(EINVAL, "server_hostname is required to verify the certificate");
  }
  return options;
}

// A reference of our own on a context other sessions share.
ContextPtr shared(SSL_CTX* context) {
  SSL_CTX_up_ref(context);
  return ContextPtr(context);
}

}  // namespace

Session::Session(const TlsOptions& options) : context_(make_context(checked(options))) {
  start(false);
  if (!options.server_hostname.empty()) expect_peer(options.server_hostname);
}

Session::Session(SSL_CTX* server_context) : context_(shared(server_context)) {
  start(true);
}

void Session::start(bool server) {
  ssl_.reset(SSL_new(context_.get()));
  if (!ssl_) throw std::bad_alloc();
  BIO* bio = make_bio(link_);
  if (bio == nullptr) throw std::bad_alloc();
  SSL_set_bio(ssl_.get(), bio, bio);  // the SSL owns it from here
  if (server) {
    SSL_set_accept_state(ssl_.get());
  } else {
    SSL_set_connect_state(ssl_.get());
  }
  SSL_set_app_data(ssl_.get(), this);
  SSL_set_info_callback(ssl_.get(), on_state);
  // send() may stop after one record; a retried write may come from a new
  // buffer (Python's send() retries with the bytes object it still holds).
  SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

void Session::expect_peer(const std::string& name) {
  // An address is matched against the certificate's IP SANs and, per
  // RFC 6066 section 3, never sent as SNI.
  if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), name.c_str()) == 1) return;
  ERR_clear_error();
  if (SSL_set_tlsext_host_name(ssl_.get(), name.c_str()) != 1 ||
      SSL_set1_host(ssl_.get(), name.c_str()) != 1) {
    throw OSError(EINVAL, "invalid server_hostname: " + take_error_reason("rejected"));
  }
  // As curl and browsers: "f*.example.com" style wildcards are not honoured.
  SSL_set_hostflags(ssl_.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
}

void Session::on_state(const SSL* ssl, int where, int) {
  if (where & SSL_CB_HANDSHAKE_DONE)
    static_cast<Session*>(SSL_get_app_data(ssl))->established_ = true;
}

template <class Call>
bool Session::run(SocketBackend& backend, Wait wait, Call&& call) {
  link_.backend = &backend;
  link_.wait = wait;
  link_.error = nullptr;
  ERR_clear_error();
  const int result = call();
  if (result > 0) return true;
  const int error = SSL_get_error(ssl_.get(), result);
  if (link_.error) {
    // The transport failed; OpenSSL saw a retry and can resume later, as a
    // Socket can after a timeout. ETIMEDOUT and EAGAIN stay themselves (exit
    // 28 for a tool); a peer that vanished mid-handshake failed the handshake.
    ERR_clear_error();
    const std::exception_ptr failure = std::exchange(link_.error, nullptr);
    if (established_) std::rethrow_exception(failure);
    try {
      std::rethrow_exception(failure);
    } catch (const OSError& os_error) {
      if (os_error.code() == EAGAIN || os_error.code() == ETIMEDOUT) throw;
      throw TlsError(TlsError::Kind::handshake, os_error.code(), os_error.reason());
    }
  }
  if (error == SSL_ERROR_ZERO_RETURN) return false;  // close_notify: a clean end
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
    throw OSError::from_errno(EAGAIN);
  }
  if (established_ && link_.eof) {
    // EOF without close_notify (OpenSSL 3 calls it "unexpected eof").
    ERR_clear_error();
    broken_ = true;
    truncated_ = true;
    return false;
  }
  fail(error);
}

void Session::fail(int error) {
  broken_ = true;
  SSL* ssl = ssl_.get();
  if (!established_) {
    // Without SSL_VERIFY_PEER a verdict is recorded but was not the cause.
    const long verdict = SSL_get_verify_result(ssl);
    if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) && verdict != X509_V_OK) {
      ERR_clear_error();
      throw TlsError(TlsError::Kind::verify, EPROTO, X509_verify_cert_error_string(verdict));
    }
    throw TlsError(TlsError::Kind::handshake, EPROTO, take_error_reason("handshake failed"));
  }
  throw TlsError(TlsError::Kind::protocol, EPROTO,
                 take_error_reason(error == SSL_ERROR_SYSCALL ? "transport failed" : "TLS error"));
}

void Session::handshake(SocketBackend& backend, Wait wait) {
  if (!run(backend, wait, [&] { return SSL_do_handshake(ssl_.get()); })) {
    // A close_notify in place of the server's handshake.
    broken_ = true;
    throw TlsError(TlsError::Kind::handshake, EPROTO, "peer closed during the handshake");
  }
}

std::size_t Session::read(SocketBackend& backend, std::span<char> buffer, Wait wait) {
  if (at_eof_ || buffer.empty()) return 0;
  std::size_t got = 0;
  if (!run(backend, wait,
           [&] { return SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &got); })) {
    at_eof_ = true;
    return 0;
  }
  return got;
}

std::size_t Session::write(SocketBackend& backend, std::string_view data, Wait wait) {
  if (data.empty()) return 0;
  std::size_t sent = 0;
  if (!run(backend, wait,
           [&] { return SSL_write_ex(ssl_.get(), data.data(), data.size(), &sent); })) {
    broken_ = true;  // the peer closed: nothing more can be written
    throw OSError::from_errno(EPIPE);
  }
  return sent;
}

void Session::close_notify(SocketBackend& backend, Wait wait) noexcept {
  if (broken_ || !established_) return;
  broken_ = true;  // once only
  link_.backend = &backend;
  link_.wait = wait;
  ERR_clear_error();
  // One call sends ours; waiting for the peer's reply would only add a round trip.
  SSL_shutdown(ssl_.get());
  ERR_clear_error();
  link_.error = nullptr;
}

}  // namespace usock::tls
