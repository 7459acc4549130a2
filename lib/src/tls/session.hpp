#pragma once
// One OpenSSL connection (client or server side) over a BioLink: the handshake, record reads
// and writes, close_notify, and the translation of OpenSSL's outcomes into
// usock's errors. The Python-style stream semantics live in TlsStream.

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "bio.hpp"
#include "context.hpp"
#include "usock/tls.hpp"

namespace usock::tls {

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

class Session {
 public:
  explicit Session(const TlsOptions& options);
  // The server side of a connection, on a context shared with other sessions.
  explicit Session(SSL_CTX* server_context);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Every call runs over `backend` within `wait`. Where it would block on a
  // non-blocking socket it raises OSError(EAGAIN) and may be called again.
  void handshake(SocketBackend& backend, Wait wait);
  // Decrypted bytes; 0 at EOF (see truncated()).
  std::size_t read(SocketBackend& backend, std::span<char> buffer, Wait wait);
  // At most one record's worth of `data`.
  std::size_t write(SocketBackend& backend, std::string_view data, Wait wait);
  // Sends close_notify once, if the session is sound; never raises.
  void close_notify(SocketBackend& backend, Wait wait) noexcept;

  bool truncated() const noexcept { return truncated_; }
  std::string version() const { return SSL_get_version(ssl_.get()); }

 private:
  void start(bool server);
  // The name the certificate must match, and the SNI when it is no address.
  void expect_peer(const std::string& name);
  // Runs one SSL call (> 0 on success) with the link aimed at `backend`;
  // true on success, false at EOF; raises for everything else.
  template <class Call>
  bool run(SocketBackend& backend, Wait wait, Call&& call);
  [[noreturn]] void fail(int error);
  static void on_state(const SSL* ssl, int where, int value);

  ContextPtr context_;
  BioLink link_;
  std::unique_ptr<SSL, SslFree> ssl_;
  // Set by OpenSSL's callback: after a fatal error SSL_is_init_finished()
  // is false again, yet failures after the handshake are not handshake ones.
  bool established_ = false;
  bool broken_ = false;  // a fatal error: OpenSSL forbids close_notify after it
  bool at_eof_ = false;
  bool truncated_ = false;
};

}  // namespace usock::tls
