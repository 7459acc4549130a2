// TlsStream against real peers on 127.0.0.1: `openssl s_server` with a test
// CA and certificates made by the openssl CLI at test time, and plain TCP
// peers in this process for the failures TLS must report. Servers are
// stopped by their own PID; every wait is bounded by the socket's timeout.
#include "usock/tls.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "background.hpp"
#include "error_code.hpp"
#include "exit_codes.hpp"
#include "loopback.hpp"
#include "pki.hpp"
#include "process.hpp"
#include "usock/native_stack.hpp"
#include "usock/trace.hpp"

using namespace usock;
using namespace std::chrono_literals;
using usock::test::Background;
using usock::test::error_code;
using usock::test::free_tcp_port;
using usock::test::kBound;
using usock::test::listener;
using usock::test::pki;

namespace {

const std::string kRequest = "GET / HTTP/1.0\r\n\r\n";

// `openssl s_server` on a free port with the certificate `cert`.
struct TlsServer {
  TlsServer(const std::string& cert, std::vector<std::string> mode)
      : port(free_tcp_port()), process([&] {
          std::vector<std::string> argv = {"openssl", "s_server",
                                           "-accept", "127.0.0.1:" + std::to_string(port),
                                           "-cert",   pki().path(cert + ".pem"),
                                           "-key",    pki().path("leaf.key")};
          argv.insert(argv.end(), mode.begin(), mode.end());
          return argv;
        }()) {}
  int port;
  Background process;
};

// A connected socket, retrying while the server is still starting (bounded).
Socket connect_to(Stack& stack, int port) {
  const SockAddr where = SockAddr::from_numeric("127.0.0.1", static_cast<std::uint16_t>(port));
  for (int attempt = 0;; ++attempt) {
    Socket socket = stack.socket();
    socket.settimeout(kBound);
    try {
      socket.connect(where);
      return socket;
    } catch (const OSError& error) {
      if (error.code() != ECONNREFUSED || attempt == 200) throw;
    }
    std::this_thread::sleep_for(50ms);
  }
}

TlsOptions trusting_test_ca(std::string host = "localhost") {
  TlsOptions options;
  options.server_hostname = std::move(host);
  options.ca_file = pki().path("ca.pem");
  return options;
}

// The TlsError that `call` raised; fails the test when it raised none.
template <class Call>
TlsError tls_error(Call&& call) {
  try {
    call();
  } catch (const TlsError& error) {
    return error;
  }
  FAIL("no TlsError raised");
  throw std::logic_error("unreachable");
}

// An HTTP/1.0 exchange with `openssl s_server -www`, checked.
void expect_page(TlsStream& stream) {
  stream.write(kRequest);
  CHECK(stream.readline() == "HTTP/1.0 200 ok\r\n");
  CHECK_FALSE(stream.read().empty());
}

}  // namespace

TEST_CASE("TLS: handshake and a verified request through the test CA") {
  TlsServer server("localhost", {"-www"});
  NativeStack stack;
  TlsStream stream = TlsStream::wrap(connect_to(stack, server.port), trusting_test_ca());
  CHECK((stream.version() == "TLSv1.3" || stream.version() == "TLSv1.2"));
  expect_page(stream);
  // s_server -www ends with close_notify: a clean end, not a truncation.
  CHECK_FALSE(stream.truncated());
  CHECK(stream.recv(100).empty());
  stream.close();
  CHECK(stream.closed());
  CHECK(error_code([&] { stream.recv(1); }) == EBADF);
  CHECK_NOTHROW(stream.close());
}

TEST_CASE("TLS: an IP address is matched against the certificate's IP SANs") {
  TlsServer good("localhost", {"-www"});
  NativeStack stack;
  TlsStream stream = TlsStream::wrap(connect_to(stack, good.port), trusting_test_ca("127.0.0.1"));
  expect_page(stream);

  TlsServer wrong("wrong", {"-www"});
  const TlsError error = tls_error(
      [&] { TlsStream::wrap(connect_to(stack, wrong.port), trusting_test_ca("127.0.0.1")); });
  CHECK(error.kind() == TlsError::Kind::verify);
  CHECK(error.reason() == "IP address mismatch");
}

TEST_CASE("TLS: a certificate from a CA the system does not trust fails verification") {
  TlsServer server("localhost", {"-www"});
  NativeStack stack;
  TlsOptions options;
  options.server_hostname = "localhost";  // no ca_file: the system store
  const TlsError error =
      tls_error([&] { TlsStream::wrap(connect_to(stack, server.port), options); });
  CHECK(error.kind() == TlsError::Kind::verify);
  CHECK(error.code() == EPROTO);
  CHECK(error.reason() == "unable to get local issuer certificate");
}

TEST_CASE("TLS: a certificate for another host fails with a hostname mismatch") {
  TlsServer server("wrong", {"-www"});
  NativeStack stack;
  const TlsError error =
      tls_error([&] { TlsStream::wrap(connect_to(stack, server.port), trusting_test_ca()); });
  CHECK(error.kind() == TlsError::Kind::verify);
  CHECK(error.reason() == "hostname mismatch");  // OpenSSL 3's words
}

TEST_CASE("TLS: an expired certificate fails verification") {
  TlsServer server("expired", {"-www"});
  NativeStack stack;
  const TlsError error =
      tls_error([&] { TlsStream::wrap(connect_to(stack, server.port), trusting_test_ca()); });
  CHECK(error.kind() == TlsError::Kind::verify);
  CHECK(error.reason() == "certificate has expired");
}

TEST_CASE("TLS: verify=false accepts any certificate (curl's --insecure)") {
  const std::string cert = GENERATE(as<std::string>{}, "localhost", "expired", "wrong");
  const bool with_ca = GENERATE(true, false);
  TlsServer server(cert, {"-www"});
  NativeStack stack;
  TlsOptions options;
  options.server_hostname = "localhost";
  options.verify = false;
  if (with_ca) options.ca_file = pki().path("ca.pem");
  TlsStream stream = TlsStream::wrap(connect_to(stack, server.port), options);
  expect_page(stream);
}

TEST_CASE("TLS: SNI is sent and the server picks the certificate for that name") {
  // The default certificate is for another host; only a client that sends
  // SNI "localhost" gets the one that verifies.
  TlsServer server("wrong", {"-www", "-servername", "localhost", "-cert2",
                             pki().path("localhost.pem"), "-key2", pki().path("leaf.key")});
  NativeStack stack;
  TlsStream stream = TlsStream::wrap(connect_to(stack, server.port), trusting_test_ca());
  expect_page(stream);
  stream.close();  // s_server serves one connection at a time
  // An address is never sent as SNI (RFC 6066), so it gets the default one.
  const TlsError error = tls_error(
      [&] { TlsStream::wrap(connect_to(stack, server.port), trusting_test_ca("127.0.0.1")); });
  CHECK(error.reason() == "IP address mismatch");
}

TEST_CASE("TLS: a peer that does not speak TLS fails the handshake") {
  const bool replies = GENERATE(true, false);
  NativeStack stack;
  Socket server = listener(stack, Family::inet);
  std::thread peer([&] {
    auto accepted = server.accept();
    Socket& conn = accepted.first;
    conn.settimeout(kBound);
    conn.recv(4096);  // the ClientHello
    // An HTTP server's answer, or a close without a word.
    if (replies) conn.sendall("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    conn.close();
  });
  Socket client = stack.socket();
  client.settimeout(kBound);
  client.connect(server.getsockname());
  const TlsError error = tls_error([&] { TlsStream::wrap(std::move(client), trusting_test_ca()); });
  peer.join();
  INFO(error.reason());
  CHECK(error.kind() == TlsError::Kind::handshake);
  CHECK_FALSE(error.reason().empty());
}

TEST_CASE("TLS: a peer that closes without close_notify is reported as truncated") {
  TlsServer server("localhost", {"-rev"});
  NativeStack stack;
  TlsStream stream = TlsStream::wrap(connect_to(stack, server.port), trusting_test_ca());
  stream.write("hello\n");
  CHECK(stream.readline() == "olleh\n");
  // Killed, the server's kernel closes the connection with a FIN and no
  // close_notify: the shape of a cut-off download.
  server.process.stop();
  CHECK(stream.read().empty());
  CHECK(stream.truncated());
}

TEST_CASE("TLS: readline and read(n) work across records and a timeout loses nothing") {
  TlsServer server("localhost", {"-rev"});
  NativeStack stack;
  TlsStream stream = TlsStream::wrap(connect_to(stack, server.port), trusting_test_ca());
  stream.sendall("abc\ndef\n");
  CHECK(stream.readline() == "cba\n");
  CHECK(stream.read(4) == "fed\n");
  stream.write("xyz\n");
  // Only four bytes come: read(10) times out holding them, and keeps them.
  stream.socket().settimeout(0.3);
  CHECK(error_code([&] { stream.read(10); }) == ETIMEDOUT);
  stream.socket().settimeout(kBound);
  CHECK(stream.read(4) == "zyx\n");
}

TEST_CASE("TLS: a server that never answers the handshake times out") {
  NativeStack stack;
  // Listening but never accepting: the kernel completes the TCP handshake,
  // nobody answers the ClientHello.
  Socket server = listener(stack, Family::inet);
  Socket client = stack.socket();
  client.settimeout(0.3);
  client.connect(server.getsockname());
  int code = 0;
  try {
    TlsStream::wrap(std::move(client), trusting_test_ca());
  } catch (const TlsError&) {
    FAIL("a timeout must stay a timeout, not a TLS failure");
  } catch (const OSError& error) {
    code = error.code();
  }
  CHECK(code == ETIMEDOUT);
}

TEST_CASE("TLS: a non-blocking socket raises EAGAIN where it would block") {
  NativeStack stack;
  SECTION("during the handshake, which the first reads then finish") {
    Socket server = listener(stack, Family::inet);
    Socket client = stack.socket();
    client.settimeout(kBound);
    client.connect(server.getsockname());
    client.setblocking(false);
    TlsStream stream = TlsStream::wrap(std::move(client), trusting_test_ca());
    CHECK(error_code([&] { stream.recv(10); }) == EAGAIN);
    CHECK(error_code([&] { stream.read(); }) == EAGAIN);
  }
  SECTION("after the handshake, with nothing to read") {
    TlsServer server("localhost", {"-rev"});
    TlsStream stream = TlsStream::wrap(connect_to(stack, server.port), trusting_test_ca());
    stream.socket().setblocking(false);
    CHECK(error_code([&] { stream.recv(10); }) == EAGAIN);
    CHECK(error_code([&] { stream.readline(); }) == EAGAIN);
  }
}

TEST_CASE("TLS: verifying needs a server_hostname and a CA file that loads") {
  NativeStack stack;
  auto pair = usock::test::connected_pair(stack, Family::inet);
  TlsOptions nameless;
  CHECK(error_code([&] { TlsStream::wrap(std::move(pair.client), nameless); }) == EINVAL);

  auto other = usock::test::connected_pair(stack, Family::inet);
  TlsOptions missing = trusting_test_ca();
  missing.ca_file = pki().path("no-such-file.pem");
  const TlsError error = tls_error([&] { TlsStream::wrap(std::move(other.client), missing); });
  CHECK(error.kind() == TlsError::Kind::handshake);
  CHECK(error.reason().find("no-such-file.pem") != std::string::npos);
}

TEST_CASE("TLS: --trace narrates ssl.wrap_socket and the stream calls") {
  TlsServer server("localhost", {"-www"});
  NativeStack stack;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), std::fclose);
  REQUIRE(file != nullptr);
  StreamTracer tracer(file.get());
  TlsOptions options = trusting_test_ca();
  options.tracer = &tracer;
  TlsStream stream = TlsStream::wrap(connect_to(stack, server.port), options);
  stream.write(kRequest);
  stream.readline();
  std::rewind(file.get());
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file.get()));
  CHECK(text ==
        ">>> s = ssl.wrap_socket(s, server_hostname='localhost', "
        "cert_reqs=ssl.CERT_REQUIRED, ca_certs='" +
            pki().path("ca.pem") +
            "')\n"
            ">>> s.write(b'GET / HTTP/1.0\\r\\n\\r\\n')\n18\n"
            ">>> s.readline()\nb'HTTP/1.0 200 ok\\r\\n'\n");
}

TEST_CASE("TLS: tools exit 35 for a failed handshake and 60 for a refused certificate") {
  using usock::cli::exit_code_for;
  CHECK(exit_code_for(TlsError(TlsError::Kind::handshake, EPROTO, "wrong version number")) == 35);
  CHECK(exit_code_for(TlsError(TlsError::Kind::verify, EPROTO, "certificate has expired")) == 60);
  CHECK(exit_code_for(TlsError(TlsError::Kind::protocol, EPROTO, "bad record mac")) == 56);
  CHECK(exit_code_for(OSError::from_errno(ETIMEDOUT)) == 28);
}
