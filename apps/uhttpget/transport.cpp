#include "transport.hpp"

#include <cerrno>
#include <chrono>

#include "exit_codes.hpp"
#include "tool.hpp"
#include "usock/connect.hpp"
#include "usock/error.hpp"

namespace uhttpget {
namespace {

using usock::cli::Failure;

// Below this much slack the socket's timeout is cut to what is left: the
// transfer ends at most this late, and the timeout is reset at most this often.
constexpr double kDeadlineSlack = 0.05;

std::string where(const usock::http::Url& url) {
  return url.authority() + (url.explicit_port ? "" : " port " + std::to_string(url.port));
}

usock::Socket connect(usock::Stack& stack, const usock::http::Url& url,
                      const ConnectSettings& settings, std::optional<double> timeout) {
  try {
    return usock::create_connection(stack, url.host, std::to_string(url.port),
                                    {settings.family, usock::SockType::stream, timeout});
  } catch (const usock::OSError& error) {
    usock::cli::rethrow_link_error(error);
    if (error.is_resolver_error()) {
      throw Failure(usock::cli::kExitResolve, "cannot resolve '" + url.host + "'",
                    usock::cli::describe_cause(error));
    }
    if (error.code() == ETIMEDOUT) {
      throw Failure(usock::cli::kExitTimeout, "cannot connect to " + where(url) + " in time",
                    usock::cli::describe_cause(error));
    }
    throw Failure(usock::cli::exit_code_for(error), "cannot connect to " + where(url),
                  usock::cli::describe_cause(error));
  }
}

usock::TlsStream handshake(usock::Socket socket, const usock::http::Url& url,
                           const ConnectSettings& settings, usock::Tracer* tracer) {
  try {
    return usock::TlsStream::wrap(std::move(socket),
                                  {url.host, settings.verify, settings.ca_file, tracer});
  } catch (const usock::TlsError& error) {
    const int code = usock::cli::exit_code_for(error);
    if (error.kind() == usock::TlsError::Kind::verify) {
      throw Failure(code, "the certificate of " + url.host + " was refused", error.reason());
    }
    throw Failure(code, "TLS handshake with " + where(url) + " failed",
                  usock::cli::describe_cause(error));
  } catch (const usock::OSError& error) {
    usock::cli::rethrow_link_error(error);
    if (error.code() == ETIMEDOUT) {
      throw Failure(usock::cli::kExitTimeout,
                    "TLS handshake with " + where(url) + " did not finish in time",
                    usock::cli::describe_cause(error));
    }
    throw Failure(usock::cli::exit_code_for(error), "TLS handshake with " + where(url) + " failed",
                  usock::cli::describe_cause(error));
  }
}

}  // namespace

Transport Transport::open(usock::Stack& stack, const usock::http::Url& url,
                          const ConnectSettings& settings, const Deadline& deadline,
                          ConnectTimings& timings) {
  const auto started = std::chrono::steady_clock::now();
  // --connect-timeout covers the TLS handshake too, as curl's does.
  const Deadline connect_deadline(tighter(settings.connect_timeout, deadline.remaining()));
  usock::Socket socket = connect(stack, url, settings, connect_deadline.remaining());
  timings.connected = seconds_since(started);
  if (url.scheme != "https") {
    if (connect_deadline.budget()) socket.settimeout(deadline.remaining());
    return Transport(std::move(socket), deadline);
  }
  if (connect_deadline.budget()) socket.settimeout(connect_deadline.remaining());
  Transport transport(handshake(std::move(socket), url, settings, stack.tracer()), deadline);
  timings.tls_done = seconds_since(started);
  if (connect_deadline.budget()) transport.socket().settimeout(deadline.remaining());
  return transport;
}

Transport::Transport(std::variant<usock::Socket, usock::TlsStream> stream, const Deadline& deadline)
    : stream_(std::move(stream)), deadline_(&deadline) {}

usock::Socket& Transport::socket() {
  if (auto* tls = std::get_if<usock::TlsStream>(&stream_)) return tls->socket();
  return std::get<usock::Socket>(stream_);
}

void Transport::hold_to_deadline() {
  const auto left = deadline_->remaining();
  if (!left) return;
  if (*left <= 0) throw usock::OSError::from_errno(ETIMEDOUT);
  const auto timeout = socket().gettimeout();
  if (!timeout || *left + kDeadlineSlack < *timeout) socket().settimeout(*left);
}

void Transport::send_all(std::string_view data) {
  hold_to_deadline();
  std::visit([data](auto& stream) { stream.write(data); }, stream_);
}

std::size_t Transport::receive(std::span<char> buffer) {
  hold_to_deadline();
  return std::visit([buffer](auto& stream) { return stream.recv_into(buffer); }, stream_);
}

bool Transport::truncated() const {
  const auto* tls = std::get_if<usock::TlsStream>(&stream_);
  return tls != nullptr && tls->truncated();
}

std::string Transport::tls_version() const {
  const auto* tls = std::get_if<usock::TlsStream>(&stream_);
  return tls != nullptr ? tls->version() : std::string();
}

void Transport::close() noexcept {
  try {
    std::visit([](auto& stream) { stream.close(); }, stream_);
  } catch (const usock::OSError&) {
    // The peer may be gone already; the response has been read in full.
  }
}

}  // namespace uhttpget
