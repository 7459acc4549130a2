#pragma once
// TLS over any Socket, as MicroPython's `s = ssl.wrap_socket(s, server_hostname=...)`.
// The records go through the Socket's backend, never a file descriptor, so a
// socket on a board behind the serial proxy carries TLS as well as a native
// one: the board moves TCP bytes, the host does the cryptography.
//
// Timeouts are the wrapped Socket's: settimeout() on socket() bounds each
// call (handshake included) by one deadline; a non-blocking socket raises
// OSError(EAGAIN) where it would block, and its handshake finishes during
// the first reads and writes. Lives in its own library (usock::tls) so tools
// without TLS do not load OpenSSL.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "usock/socket.hpp"
#include "usock/tls/error.hpp"

// OpenSSL's SSL_CTX, kept opaque so this header needs no OpenSSL headers.
struct ssl_ctx_st;

namespace usock {

class Tracer;

namespace tls {
class Session;
}

// What a TLS server presents: its certificate chain and private key, loaded
// once and shared by every connection it accepts (and every thread).
class TlsServerContext {
 public:
  // PEM files. Raises TlsError(handshake) when either cannot be loaded or
  // the key does not match the certificate.
  TlsServerContext(const std::string& cert_file, const std::string& key_file);

 private:
  friend class TlsStream;
  std::shared_ptr<ssl_ctx_st> context_;
};

struct TlsOptions {
  // Sent as SNI (unless an IP address) and required in the certificate
  // (DNS name, or IP address SAN). Required when verifying.
  std::string server_hostname;
  // Check the certificate chain and the host name. Off = curl's --insecure.
  bool verify = true;
  // PEM file of trusted CAs instead of the system store (curl's --cacert).
  std::optional<std::string> ca_file;
  // --trace narration, usually the stack's tracer; nullptr = silent.
  Tracer* tracer = nullptr;
};

// The TLS library in use, as --version reports it: "OpenSSL 3.0.17 1 Jul 2025".
std::string tls_library_version();

// A TLS 1.2+ client session on a connected stream Socket, which it owns.
// Raises TlsError for TLS failures and OSError for the transport's (timeouts
// stay ETIMEDOUT). Move-only.
class TlsStream {
 public:
  // Takes the socket and runs the handshake within the socket's timeout.
  static TlsStream wrap(Socket socket, const TlsOptions& options);
  // The server side, as ssl.wrap_socket(s, server_side=True): takes an
  // accepted socket and runs the handshake as wrap() does (on a
  // non-blocking socket it finishes in the first reads and writes).
  static TlsStream accept(Socket socket, const TlsServerContext& context, Tracer* tracer);

  TlsStream(TlsStream&&) noexcept;
  TlsStream& operator=(TlsStream&&) noexcept;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;
  // Closes the socket without close_notify: call close() to end cleanly.
  ~TlsStream();

  // At most one TLS record; may write less than given. After EAGAIN, call
  // again with the same data (OpenSSL has already framed it).
  std::size_t send(std::string_view data);
  void sendall(std::string_view data);
  // No short writes on a blocking socket; non-blocking returns what went.
  std::size_t write(std::string_view data);
  // At most `bufsize` decrypted bytes; empty at EOF.
  std::string recv(std::size_t bufsize);
  std::size_t recv_into(std::span<char> buffer);
  // To EOF, or exactly `size` bytes unless EOF comes first (no short reads
  // on a blocking socket). A timeout midway loses no byte.
  std::string read(std::optional<std::size_t> size = std::nullopt);
  // One line including its '\n', or what is left before EOF.
  std::string readline();
  // Sends close_notify (best effort: the peer may be gone), then closes the
  // socket. Idempotent.
  void close();
  bool closed() const noexcept { return session_ == nullptr; }

  // True once EOF came without the peer's close_notify: the data may have
  // been cut by an attacker or a crash, and the caller decides whether the
  // data's own framing makes it complete.
  bool truncated() const noexcept { return truncated_; }
  // The negotiated protocol, e.g. "TLSv1.3".
  std::string version() const;
  // The wrapped socket, for settimeout() and getpeername(). Reading or
  // writing it directly would corrupt the session.
  Socket& socket() noexcept { return socket_; }

 private:
  TlsStream(Socket socket, std::unique_ptr<tls::Session> session, Tracer* tracer);
  tls::Session& session();
  Wait wait() const;
  std::size_t receive(std::span<char> buffer, Wait wait);
  std::size_t read_into(std::span<char> buffer, Wait wait);
  std::size_t write_all(std::string_view data, Wait wait, bool stop_when_blocked);

  Socket socket_;
  std::unique_ptr<tls::Session> session_;
  Tracer* tracer_;
  // Bytes taken by a read that then raised, served first by the next one;
  // also the rest of a chunk readline() took past its newline.
  std::string kept_;
  bool truncated_ = false;
};

}  // namespace usock
