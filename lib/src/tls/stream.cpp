#include <algorithm>
#include <cerrno>
#include <cstring>

#include "session.hpp"
#include "stream_io.hpp"
#include "traced.hpp"
#include "usock/error.hpp"
#include "usock/pyrepr.hpp"
#include "usock/tls.hpp"

namespace usock {
namespace {

constexpr std::size_t kLineChunk = 4096;

// The MicroPython call that does what wrap() does; cert_reqs and ca_certs
// (CPython's spelling) only where they differ from the defaults.
std::string wrap_statement(const std::string& name, const TlsOptions& options) {
  std::string args = name;
  if (!options.server_hostname.empty()) {
    args += ", server_hostname=" + py_repr_str(options.server_hostname);
  }
  if (options.verify) args += ", cert_reqs=ssl.CERT_REQUIRED";
  if (options.verify && options.ca_file) args += ", ca_certs=" + py_repr_str(*options.ca_file);
  return name + " = ssl.wrap_socket(" + args + ")";
}

}  // namespace

TlsStream::TlsStream(Socket socket, std::unique_ptr<tls::Session> session, Tracer* tracer)
    : socket_(std::move(socket)), session_(std::move(session)), tracer_(tracer) {}

TlsStream::TlsStream(TlsStream&&) noexcept = default;
TlsStream& TlsStream::operator=(TlsStream&&) noexcept = default;
TlsStream::~TlsStream() = default;

TlsStream TlsStream::wrap(Socket socket, const TlsOptions& options) {
  return detail::traced(
      options.tracer, [&] { return wrap_statement(socket.name(), options); },
      [&] {
        TlsStream stream(std::move(socket), std::make_unique<tls::Session>(options),
                         options.tracer);
        try {
          stream.session().handshake(stream.socket_.backend(), stream.wait());
        } catch (const OSError& error) {
          // Non-blocking: MicroPython finishes the handshake in the first
          // reads and writes, which raise EAGAIN until it is done.
          if (!detail::would_block(error)) throw;
        }
        return stream;
      });
}

TlsServerContext::TlsServerContext(const std::string& cert_file, const std::string& key_file)
    : context_(tls::make_server_context(cert_file, key_file).release(), SSL_CTX_free) {}

TlsStream TlsStream::accept(Socket socket, const TlsServerContext& context, Tracer* tracer) {
  return detail::traced(
      tracer,
      [&] { return socket.name() + " = ssl.wrap_socket(" + socket.name() + ", server_side=True)"; },
      [&] {
        TlsStream stream(std::move(socket), std::make_unique<tls::Session>(context.context_.get()),
                         tracer);
        try {
          stream.session().handshake(stream.socket_.backend(), stream.wait());
        } catch (const OSError& error) {
          if (!detail::would_block(error)) throw;
        }
        return stream;
      });
}

tls::Session& TlsStream::session() {
  if (!session_) throw OSError::from_errno(EBADF);
  return *session_;
}

Wait TlsStream::wait() const {
  return Wait::from_timeout(socket_.gettimeout());
}

std::string TlsStream::version() const {
  return session_ ? session_->version() : std::string();
}

std::size_t TlsStream::send(std::string_view data) {
  return detail::traced_result(
      tracer_, [&] { return socket_.name() + ".send(" + py_repr_bytes_brief(data) + ")"; },
      [&] { return session().write(socket_.backend(), data, wait()); },
      [](std::size_t sent) { return std::to_string(sent); });
}

std::size_t TlsStream::write_all(std::string_view data, Wait how, bool stop_when_blocked) {
  return detail::write_fully(data, stop_when_blocked, [&](std::string_view rest) {
    return session().write(socket_.backend(), rest, how);
  });
}

void TlsStream::sendall(std::string_view data) {
  detail::traced(
      tracer_, [&] { return socket_.name() + ".sendall(" + py_repr_bytes_brief(data) + ")"; },
      [&] { write_all(data, wait(), false); });
}

std::size_t TlsStream::write(std::string_view data) {
  return detail::traced_result(
      tracer_, [&] { return socket_.name() + ".write(" + py_repr_bytes_brief(data) + ")"; },
      [&] {
        const Wait how = wait();
        return write_all(data, how, how.is_never());
      },
      [](std::size_t written) { return std::to_string(written); });
}

std::size_t TlsStream::receive(std::span<char> buffer, Wait how) {
  if (!kept_.empty()) return detail::serve_kept(kept_, buffer, false);
  tls::Session& from = session();
  const std::size_t got = from.read(socket_.backend(), buffer, how);
  truncated_ = from.truncated();
  return got;
}

std::string TlsStream::recv(std::size_t bufsize) {
  return detail::traced_result(
      tracer_, [&] { return socket_.name() + ".recv(" + std::to_string(bufsize) + ")"; },
      [&] {
        std::string buffer(bufsize, '\0');
        buffer.resize(receive(buffer, wait()));
        return buffer;
      },
      [](const std::string& data) { return py_repr_bytes_brief(data); });
}

std::size_t TlsStream::recv_into(std::span<char> buffer) {
  return detail::traced_result(
      tracer_,
      [&] { return socket_.name() + ".recv_into(buf, " + std::to_string(buffer.size()) + ")"; },
      [&] { return receive(buffer, wait()); }, [](std::size_t got) { return std::to_string(got); });
}

std::size_t TlsStream::read_into(std::span<char> buffer, Wait how) {
  return detail::read_fully(buffer, kept_,
                            [&](std::span<char> rest) { return receive(rest, how); });
}

std::string TlsStream::read(std::optional<std::size_t> size) {
  return detail::traced_result(
      tracer_,
      [&] { return socket_.name() + ".read(" + (size ? std::to_string(*size) : "") + ")"; },
      [&] {
        const Wait how = wait();
        std::string data;
        if (size) {
          data.resize(*size);
          data.resize(read_into(data, how));
          return data;
        }
        return detail::read_to_eof(kept_, [&](std::span<char> rest) { return receive(rest, how); });
      },
      [](const std::string& data) { return py_repr_bytes_brief(data); });
}

std::string TlsStream::readline() {
  return detail::traced_result(
      tracer_, [&] { return socket_.name() + ".readline()"; },
      [&] {
        const Wait how = wait();
        std::string line;
        char chunk[kLineChunk];
        while (true) {
          std::size_t got = 0;
          try {
            got = receive(chunk, how);
          } catch (const OSError& error) {
            if (detail::would_block(error) && !line.empty()) return line;
            detail::keep(kept_, line);
            throw;
          }
          if (got == 0) return line;
          const auto* newline = static_cast<const char*>(std::memchr(chunk, '\n', got));
          const std::size_t take = newline ? static_cast<std::size_t>(newline - chunk) + 1 : got;
          line.append(chunk, take);
          // Decrypted bytes cannot be peeked back into the record layer:
          // what follows the line waits here for the next read.
          detail::keep(kept_, std::string_view(chunk + take, got - take));
          if (newline) return line;
        }
      },
      [](const std::string& line) { return py_repr_bytes_brief(line); });
}

void TlsStream::close() {
  if (session_ && !socket_.closed()) {
    session_->close_notify(socket_.backend(), wait());
    session_.reset();
  }
  // The socket narrates this as `s.close()`, the statement for both.
  socket_.close();
}

}  // namespace usock
