#include "usock/socket.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "stream_io.hpp"
#include "traced.hpp"
#include "usock/error.hpp"
#include "usock/pyrepr.hpp"

namespace usock {
namespace {

// nginx's default: deep enough for bursts of connections on a busy server.
constexpr int kDefaultBacklog = 511;
constexpr std::size_t kLinePeek = 4096;

std::string quoted_int(int value) {
  return std::to_string(value);
}

// A constant as a statement spells it: socket.SO_REUSEADDR, or the bare
// number when the module has no name for it (socket.30583 is no Python).
std::string constant_arg(const std::string& name) {
  const bool numeric =
      !name.empty() && (std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '-');
  return numeric ? name : "socket." + name;
}

std::string option_args(int level, int optname) {
  return constant_arg(level_name(level)) + ", " + constant_arg(option_name(level, optname));
}

}  // namespace

Socket::Socket(std::unique_ptr<SocketBackend> backend, Tracer* tracer, std::string name)
    : backend_(std::move(backend)), tracer_(tracer), name_(std::move(name)) {}

Socket::Socket(Socket&&) noexcept = default;

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    if (backend_) backend_->close();
    backend_ = std::move(other.backend_);
    tracer_ = other.tracer_;
    name_ = std::move(other.name_);
    timeout_ = other.timeout_;
    kept_ = std::move(other.kept_);
  }
  return *this;
}

Socket::~Socket() {
  // Python closes a collected socket silently; so do we, without narration.
  if (backend_) backend_->close();
}

SocketBackend& Socket::backend() {
  if (!backend_) throw OSError::from_errno(EBADF);
  return *backend_;
}

Wait Socket::wait() const {
  return Wait::from_timeout(timeout_);
}

void Socket::bind(const SockAddr& addr) {
  detail::traced(
      tracer_, [&] { return name_ + ".bind(" + addr.repr() + ")"; }, [&] { backend().bind(addr); });
}

void Socket::listen(std::optional<int> backlog) {
  detail::traced(
      tracer_, [&] { return name_ + ".listen(" + (backlog ? std::to_string(*backlog) : "") + ")"; },
      [&] { backend().listen(backlog ? std::max(*backlog, 0) : kDefaultBacklog); });
}

std::pair<Socket, SockAddr> Socket::accept() {
  if (tracer_) tracer_->call("conn, addr = " + name_ + ".accept()");
  try {
    auto [conn, addr] = backend().accept(wait());
    if (tracer_) tracer_->result("# addr = " + addr.repr());
    return {Socket(std::move(conn), tracer_, "conn"), addr};
  } catch (const OSError& error) {
    if (tracer_) tracer_->raised(error);
    throw;
  }
}

void Socket::connect(const SockAddr& addr) {
  detail::traced(
      tracer_, [&] { return name_ + ".connect(" + addr.repr() + ")"; },
      [&] { backend().connect(addr, wait()); });
}

std::size_t Socket::send(std::string_view data, int flags) {
  return detail::traced_result(
      tracer_,
      [&] {
        return name_ + ".send(" + py_repr_bytes_brief(data) +
               (flags ? ", " + quoted_int(flags) : "") + ")";
      },
      [&] {
        const Wait how = (flags & msg::dontwait) ? Wait::never() : wait();
        return backend().send(data, flags, how);
      },
      [](std::size_t sent) { return std::to_string(sent); });
}

std::size_t Socket::sendfile(int file_fd, std::uint64_t offset, std::size_t count) {
  return detail::traced_result(
      tracer_,
      [&] {
        return name_ + ".sendfile(f, " + std::to_string(offset) + ", " + std::to_string(count) +
               ")";
      },
      [&] { return backend().send_file(file_fd, offset, count, wait()); },
      [](std::size_t sent) { return std::to_string(sent); });
}

std::size_t Socket::write_all(std::string_view data, Wait how, bool stop_when_blocked) {
  return detail::write_fully(data, stop_when_blocked,
                             [&](std::string_view rest) { return backend().send(rest, 0, how); });
}

void Socket::sendall(std::string_view data) {
  detail::traced(
      tracer_, [&] { return name_ + ".sendall(" + py_repr_bytes_brief(data) + ")"; },
      [&] { write_all(data, wait(), false); });
}

std::size_t Socket::write(std::string_view data) {
  return detail::traced_result(
      tracer_, [&] { return name_ + ".write(" + py_repr_bytes_brief(data) + ")"; },
      [&] {
        const Wait how = wait();
        return write_all(data, how, how.is_never());
      },
      [](std::size_t written) { return std::to_string(written); });
}

std::string Socket::recv(std::size_t bufsize, int flags) {
  return detail::traced_result(
      tracer_,
      [&] {
        return name_ + ".recv(" + std::to_string(bufsize) +
               (flags ? ", " + quoted_int(flags) : "") + ")";
      },
      [&] {
        std::string buffer(bufsize, '\0');
        const Wait how = (flags & msg::dontwait) ? Wait::never() : wait();
        buffer.resize(receive(buffer, flags, how));
        return buffer;
      },
      [](const std::string& data) { return py_repr_bytes_brief(data); });
}

std::size_t Socket::recv_into(std::span<char> buffer, int flags) {
  return detail::traced_result(
      tracer_,
      [&] {
        return name_ + ".recv_into(buf, " + std::to_string(buffer.size()) +
               (flags ? ", " + quoted_int(flags) : "") + ")";
      },
      [&] {
        const Wait how = (flags & msg::dontwait) ? Wait::never() : wait();
        return receive(buffer, flags, how);
      },
      [](std::size_t got) { return std::to_string(got); });
}

std::size_t Socket::sendto(std::string_view data, const SockAddr& to) {
  return detail::traced_result(
      tracer_,
      [&] { return name_ + ".sendto(" + py_repr_bytes_brief(data) + ", " + to.repr() + ")"; },
      [&] { return backend().sendto(data, to, 0, wait()); },
      [](std::size_t sent) { return std::to_string(sent); });
}

std::pair<std::string, SockAddr> Socket::recvfrom(std::size_t bufsize, int flags) {
  return detail::traced_result(
      tracer_,
      [&] {
        return name_ + ".recvfrom(" + std::to_string(bufsize) +
               (flags ? ", " + quoted_int(flags) : "") + ")";
      },
      [&] {
        std::string buffer(bufsize, '\0');
        const Wait how = (flags & msg::dontwait) ? Wait::never() : wait();
        auto [size, from] = backend().recvfrom(buffer, flags, how);
        buffer.resize(size);
        return std::pair<std::string, SockAddr>(std::move(buffer), from);
      },
      [](const auto& reply) {
        return "(" + py_repr_bytes_brief(reply.first) + ", " + reply.second.repr() + ")";
      });
}

void Socket::setsockopt(int level, int optname, int value) {
  detail::traced(
      tracer_,
      [&] {
        return name_ + ".setsockopt(" + option_args(level, optname) + ", " + std::to_string(value) +
               ")";
      },
      [&] {
        char raw[sizeof value];
        std::memcpy(raw, &value, sizeof value);
        backend().setsockopt(level, optname, raw);
      });
}

void Socket::setsockopt(int level, int optname, std::string_view value) {
  detail::traced(
      tracer_,
      [&] {
        return name_ + ".setsockopt(" + option_args(level, optname) + ", " + py_repr_bytes(value) +
               ")";
      },
      [&] { backend().setsockopt(level, optname, value); });
}

int Socket::getsockopt_int(int level, int optname) {
  return detail::traced_result(
      tracer_, [&] { return name_ + ".getsockopt(" + option_args(level, optname) + ")"; },
      [&] {
        char raw[sizeof(int)] = {};
        const std::size_t size = backend().getsockopt(level, optname, raw);
        if (size != sizeof raw) throw OSError::from_errno(EINVAL);
        int value = 0;
        std::memcpy(&value, raw, sizeof value);
        return value;
      },
      [](int value) { return std::to_string(value); });
}

void Socket::settimeout(std::optional<double> seconds) {
  detail::traced(
      tracer_, [&] { return name_ + ".settimeout(" + detail::repr_timeout(seconds) + ")"; },
      [&] {
        backend();  // a closed socket raises EBADF here too
        if (seconds && (*seconds < 0 || !std::isfinite(*seconds))) {
          throw OSError(EINVAL, "Timeout value must be a non-negative number or None");
        }
        timeout_ = seconds;
      });
}

void Socket::setblocking(bool flag) {
  detail::traced(
      tracer_, [&] { return name_ + ".setblocking(" + (flag ? "True" : "False") + ")"; },
      [&] {
        backend();
        timeout_ = flag ? std::nullopt : std::optional<double>(0.0);
      });
}

std::size_t Socket::receive(std::span<char> buffer, int flags, Wait how) {
  SocketBackend& from = backend();
  if (kept_.empty()) return from.recv(buffer, flags, how);
  return detail::serve_kept(kept_, buffer, flags & msg::peek);
}

std::size_t Socket::read_into(std::span<char> buffer, Wait how) {
  return detail::read_fully(buffer, kept_,
                            [&](std::span<char> rest) { return receive(rest, 0, how); });
}

std::string Socket::read(std::optional<std::size_t> size) {
  return detail::traced_result(
      tracer_, [&] { return name_ + ".read(" + (size ? std::to_string(*size) : "") + ")"; },
      [&] {
        const Wait how = wait();
        std::string data;
        if (size) {
          data.resize(*size);
          data.resize(read_into(data, how));
          return data;
        }
        return detail::read_to_eof(kept_,
                                   [&](std::span<char> rest) { return receive(rest, 0, how); });
      },
      [](const std::string& data) { return py_repr_bytes_brief(data); });
}

std::size_t Socket::readinto(std::span<char> buffer, std::optional<std::size_t> nbytes) {
  const auto span = nbytes ? buffer.first(std::min(*nbytes, buffer.size())) : buffer;
  return detail::traced_result(
      tracer_,
      [&] {
        return name_ + ".readinto(buf" + (nbytes ? ", " + std::to_string(*nbytes) : "") + ")";
      },
      [&] { return read_into(span, wait()); }, [](std::size_t got) { return std::to_string(got); });
}

std::string Socket::readline() {
  return detail::traced_result(
      tracer_, [&] { return name_ + ".readline()"; },
      [&] {
        const Wait how = wait();
        std::string line;
        char peeked[kLinePeek];
        while (true) {
          std::size_t seen = 0;
          try {
            seen = receive(peeked, msg::peek, how);
          } catch (const OSError& error) {
            if (detail::would_block(error) && !line.empty()) return line;
            detail::keep(kept_, line);
            throw;
          }
          if (seen == 0) return line;
          const auto* newline = static_cast<const char*>(std::memchr(peeked, '\n', seen));
          const std::size_t take = newline ? static_cast<std::size_t>(newline - peeked) + 1 : seen;
          // Consume exactly what was peeked: those bytes are already queued.
          const std::size_t got = receive(std::span<char>(peeked, take), 0, how);
          line.append(peeked, got);
          if (newline && got == take) return line;
        }
      },
      [](const std::string& line) { return py_repr_bytes_brief(line); });
}

SockAddr Socket::getsockname() {
  return detail::traced_result(
      tracer_, [&] { return name_ + ".getsockname()"; }, [&] { return backend().getsockname(); },
      [](const SockAddr& addr) { return addr.repr(); });
}

SockAddr Socket::getpeername() {
  return detail::traced_result(
      tracer_, [&] { return name_ + ".getpeername()"; }, [&] { return backend().getpeername(); },
      [](const SockAddr& addr) { return addr.repr(); });
}

void Socket::shutdown(int how) {
  detail::traced(
      tracer_, [&] { return name_ + ".shutdown(" + std::to_string(how) + ")"; },
      [&] { backend().shutdown(how); });
}

TcpState Socket::getsocketsta() {
  return detail::traced_result(
      tracer_, [&] { return name_ + ".getsocketsta()"; },
      [&] { return backend_ ? backend_->tcp_state() : TcpState::unknown; },
      [](TcpState state) { return std::to_string(static_cast<int>(state)); });
}

void Socket::close() {
  detail::traced(
      tracer_, [&] { return name_ + ".close()"; },
      [&] {
        if (!backend_) return;
        auto backend = std::move(backend_);
        backend->close();
      });
}

}  // namespace usock
