#include "device_socket.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "usock/proxy/wire.hpp"

namespace usock::device {
namespace {

using proxy::FrameType;

[[noreturn]] void raise(int code) {
  throw OSError::from_errno(code);
}

[[noreturn]] void raise_wait_over(Wait wait) {
  raise(wait.is_never() ? EAGAIN : ETIMEDOUT);
}

std::size_t put_int(std::span<char> value, int number) {
  if (value.size() < sizeof number) raise(EINVAL);
  std::memcpy(value.data(), &number, sizeof number);
  return sizeof number;
}

}  // namespace

void DeviceSocket::check_usable() {
  session_->check();
  if (closed_ || mirror_->closed) raise(EBADF);
  if (mirror_->deferred) {
    const OSError earlier = *mirror_->deferred;
    if (!mirror_->deferred_sticky) mirror_->deferred.reset();
    throw earlier;
  }
}

void DeviceSocket::bind(const SockAddr& addr) {
  auto lock = session_->lock();
  check_usable();
  const auto result =
      session_->call_and_wait(lock, proxy::BindCall{addr}, mirror_.get(), Wait::forever());
  const SockAddr& bound = std::get<proxy::AddressResult>(result.body).addr;
  // A board that cannot tell (family 0) leaves what we asked for; port 0 is
  // then unknown until getsockname asks.
  if (bound.family() != Family::unspec) {
    mirror_->local = bound;
  } else if (addr.port() != 0) {
    mirror_->local = addr;
  }
}

void DeviceSocket::listen(int backlog) {
  auto lock = session_->lock();
  check_usable();
  if (!session_->has(proxy::cap::listen) || mirror_->type != SockType::stream) raise(EOPNOTSUPP);
  proxy::ListenCall call;
  call.backlog = static_cast<std::uint16_t>(std::clamp(backlog, 0, 0xFFFF));
  session_->call_and_wait(lock, call, mirror_.get(), Wait::forever());
  mirror_->listening = true;
  mirror_->accepts_granted = session_->accept_window();
}

std::pair<std::unique_ptr<SocketBackend>, SockAddr> DeviceSocket::accept(Wait wait) {
  auto lock = session_->lock();
  check_usable();
  if (!mirror_->listening) raise(EINVAL);
  Mirror& listener = *mirror_;
  if (!session_->wait_until(lock, wait,
                            [&] { return !listener.accepted.empty() || listener.broken; })) {
    raise_wait_over(wait);
  }
  if (listener.accepted.empty()) throw *listener.broken;
  const auto [id, peer] = listener.accepted.front();
  listener.accepted.pop_front();
  ++listener.accepts_taken;
  session_->return_accept_credit(listener);
  auto child = session_->accepted_socket(id);
  if (!child) raise(ECONNABORTED);
  return {std::make_unique<DeviceSocket>(session_, std::move(child)), peer};
}

void DeviceSocket::connect(const SockAddr& addr, Wait wait) {
  auto lock = session_->lock();
  check_usable();
  if (mirror_->type == SockType::dgram) {
    // A datagram socket's connect only sets its peer: one quick round trip,
    // whatever the wait.
    const auto result =
        session_->call_and_wait(lock, proxy::ConnectCall{addr}, mirror_.get(), Wait::forever());
    const SockAddr& local = std::get<proxy::AddressResult>(result.body).addr;
    if (local.family() != Family::unspec) mirror_->local = local;
    mirror_->peer = addr;
    mirror_->connect = Mirror::Connect::connected;
    return;
  }
  connect_stream(lock, addr, wait);
}

void DeviceSocket::connect_stream(Lock& lock, const SockAddr& addr, Wait wait) {
  Mirror& m = *mirror_;
  switch (m.connect) {
    case Mirror::Connect::connected:
      raise(EISCONN);
    case Mirror::Connect::connecting:
      if (wait.is_never()) raise(EALREADY);
      break;
    case Mirror::Connect::failed:
      // PROTOCOL.md 8.3: a cancelled CONNECT leaves the socket failed.
      if (m.connect_cancelled) raise(ETIMEDOUT);
      [[fallthrough]];
    case Mirror::Connect::none:
      m.connect_req = session_->call(proxy::ConnectCall{addr}, m.id, Session::Handling::connect);
      m.connect = Mirror::Connect::connecting;
      m.peer = addr;
      m.so_error = 0;
      if (wait.is_never()) raise(EINPROGRESS);
      break;
  }
  if (!session_->wait_until(lock, wait, [&] { return m.connect != Mirror::Connect::connecting; })) {
    session_->cancel(m.connect_req, m.id);
    m.connect = Mirror::Connect::failed;
    m.connect_cancelled = true;
    raise(ETIMEDOUT);
  }
  if (m.connect == Mirror::Connect::failed) {
    // As the kernel's SO_ERROR: reported once.
    const int error = std::exchange(m.so_error, 0);
    raise(error != 0 ? error : ECONNABORTED);
  }
}

std::size_t DeviceSocket::send(std::span<const char> data, int /*flags*/, Wait wait) {
  auto lock = session_->lock();
  check_usable();
  if (mirror_->type == SockType::dgram) {
    if (!mirror_->peer) raise(EDESTADDRREQ);
    return send_datagram(lock, data, SockAddr{}, wait);
  }
  return send_stream(lock, data, wait);
}

std::size_t DeviceSocket::send_stream(Lock& lock, std::span<const char> data, Wait wait) {
  Mirror& m = *mirror_;
  if (m.write_shut) raise(EPIPE);
  if (m.connect == Mirror::Connect::none || m.listening) raise(ENOTCONN);
  const auto can_send = [&] {
    return m.broken || m.connect == Mirror::Connect::failed ||
           (m.connect == Mirror::Connect::connected && m.send_credit() > 0 &&
            session_->link_room() > 0);
  };
  if (!session_->wait_until(lock, wait, can_send)) raise_wait_over(wait);
  if (m.broken) throw *m.broken;
  if (m.connect == Mirror::Connect::failed) {
    const int error = std::exchange(m.so_error, 0);
    raise(error != 0 ? error : EPIPE);
  }
  const std::size_t count = std::min({data.size(), m.send_credit(), session_->link_room()});
  // Never awaited (PROTOCOL.md 10): the bytes are within the board's credit.
  for (std::size_t at = 0; at < count;) {
    const std::size_t piece = std::min(count - at, session_->data_chunk());
    proxy::Data message;
    message.limit = session_->credit_to_piggyback(m);
    message.bytes = std::string_view(data.data() + at, piece);
    session_->send(message, m.id);
    at += piece;
  }
  m.sent += static_cast<std::uint32_t>(count);
  return count;
}

std::size_t DeviceSocket::sendto(std::span<const char> data, const SockAddr& to, int /*flags*/,
                                 Wait wait) {
  auto lock = session_->lock();
  check_usable();
  // A stream socket ignores the address, as Linux does once connected.
  if (mirror_->type == SockType::stream) return send_stream(lock, data, wait);
  return send_datagram(lock, data, to, wait);
}

std::size_t DeviceSocket::send_datagram(Lock& lock, std::span<const char> data, const SockAddr& to,
                                        Wait wait) {
  Mirror& m = *mirror_;
  if (m.write_shut) raise(EPIPE);
  // PROTOCOL.md 8.1: the whole DGRAM message must fit the board's max_msg.
  const std::size_t message_size = proxy::addr_wire_size(to) + data.size();
  const std::size_t max_message = session_->board().max_msg;
  if (message_size > max_message) raise(EMSGSIZE);
  // A datagram goes whole or not at all (PROTOCOL.md 6.2).
  const auto can_send = [&] {
    return m.broken || (m.send_credit() >= data.size() && session_->link_room() >= data.size());
  };
  if (!session_->wait_until(lock, wait, can_send)) raise_wait_over(wait);
  if (m.broken) throw *m.broken;
  proxy::Dgram message;
  // Credit rides along only where its 4 bytes still fit.
  if (message_size + proxy::kWindowPrefix <= max_message)
    message.limit = session_->credit_to_piggyback(m);
  message.addr = to;
  message.bytes = std::string_view(data.data(), data.size());
  session_->send(message, m.id);
  m.sent += static_cast<std::uint32_t>(data.size());
  return data.size();
}

std::size_t DeviceSocket::recv(std::span<char> buffer, int flags, Wait wait) {
  auto lock = session_->lock();
  check_usable();
  if (mirror_->type == SockType::dgram) return recv_datagram(lock, buffer, flags, wait).first;
  return recv_stream(lock, buffer, flags, wait);
}

std::size_t DeviceSocket::recv_stream(Lock& lock, std::span<char> buffer, int flags, Wait wait) {
  Mirror& m = *mirror_;
  if (m.listening || m.connect == Mirror::Connect::none) raise(ENOTCONN);
  const auto can_recv = [&] {
    return !m.stream.empty() || m.eof || m.read_shut || m.broken ||
           m.connect == Mirror::Connect::failed;
  };
  if (!session_->wait_until(lock, wait, can_recv)) raise_wait_over(wait);
  // Bytes already pushed come before an error that followed them.
  if (!m.stream.empty()) {
    const std::size_t count = std::min(buffer.size(), m.stream.size());
    std::memcpy(buffer.data(), m.stream.data(), count);
    if (!(flags & msg::peek)) {
      m.stream.erase(0, count);
      m.consumed += static_cast<std::uint32_t>(count);
      session_->return_credit(m);
    }
    return count;
  }
  if (m.eof || m.read_shut) return 0;
  if (m.broken) throw *m.broken;
  const int error = std::exchange(m.so_error, 0);
  raise(error != 0 ? error : ENOTCONN);
}

std::pair<std::size_t, SockAddr> DeviceSocket::recvfrom(std::span<char> buffer, int flags,
                                                        Wait wait) {
  auto lock = session_->lock();
  check_usable();
  if (mirror_->type == SockType::dgram) return recv_datagram(lock, buffer, flags, wait);
  const std::size_t count = recv_stream(lock, buffer, flags, wait);
  return {count, mirror_->peer.value_or(SockAddr{})};
}

std::pair<std::size_t, SockAddr> DeviceSocket::recv_datagram(Lock& lock, std::span<char> buffer,
                                                             int flags, Wait wait) {
  Mirror& m = *mirror_;
  const auto can_recv = [&] { return !m.datagrams.empty() || m.read_shut || m.broken; };
  if (!session_->wait_until(lock, wait, can_recv)) raise_wait_over(wait);
  if (m.datagrams.empty()) {
    if (m.broken) throw *m.broken;
    return {0, SockAddr{}};
  }
  const Datagram& front = m.datagrams.front();
  // The rest of a datagram longer than the buffer is lost, as natively.
  const std::size_t count = std::min(buffer.size(), front.bytes.size());
  std::memcpy(buffer.data(), front.bytes.data(), count);
  const SockAddr from = front.from;
  if (!(flags & msg::peek)) {
    m.consumed += static_cast<std::uint32_t>(front.bytes.size());
    m.datagrams.pop_front();
    session_->return_credit(m);
  }
  return {count, from};
}

void DeviceSocket::setsockopt(int level, int optname, std::span<const char> value) {
  auto lock = session_->lock();
  check_usable();
  if (level == sol::socket && (optname == so::rcvtimeo || optname == so::sndtimeo)) {
    timeouts_[optname] = std::string(value.data(), value.size());
    return;
  }
  if (level == sol::socket && (optname == so::error || optname == so::type)) raise(ENOPROTOOPT);
  if (level < 0 || level > 0xFFFF || optname < 0 || optname > 0xFFFF) raise(ENOPROTOOPT);
  if (value.size() > 255) raise(EINVAL);
  proxy::SetSockOptCall call;
  call.level = static_cast<std::uint16_t>(level);
  call.optname = static_cast<std::uint16_t>(optname);
  call.value = std::string_view(value.data(), value.size());
  // Not awaited: a failure is raised by the socket's next operation.
  session_->call(call, mirror_->id, Session::Handling::background,
                 "setsockopt(" + level_name(level) + ", " + option_name(level, optname) + ")");
}

std::size_t DeviceSocket::getsockopt(int level, int optname, std::span<char> value) {
  auto lock = session_->lock();
  session_->check();
  if (closed_ || mirror_->closed) raise(EBADF);
  Mirror& m = *mirror_;
  if (level == sol::socket && optname == so::error) {
    // A failure left by a call that was not awaited counts as well.
    int error = std::exchange(m.so_error, 0);
    if (error == 0 && m.deferred && !m.deferred_sticky) {
      error = m.deferred->code();
      m.deferred.reset();
    }
    if (error == 0 && m.broken) error = m.broken->code();
    return put_int(value, error);
  }
  if (level == sol::socket && optname == so::type) return put_int(value, static_cast<int>(m.type));
  if (level == sol::socket && (optname == so::rcvtimeo || optname == so::sndtimeo)) {
    const std::string& kept = timeouts_[optname];
    const std::size_t count = std::min(value.size(), kept.size());
    std::memcpy(value.data(), kept.data(), count);
    // Never set: zero, which means "no timeout", as the kernel says.
    if (kept.empty()) std::fill(value.begin(), value.end(), 0);
    return kept.empty() ? value.size() : count;
  }
  check_usable();
  if (!session_->has(proxy::cap::getsockopt)) raise(ENOPROTOOPT);
  if (level < 0 || level > 0xFFFF || optname < 0 || optname > 0xFFFF) raise(ENOPROTOOPT);
  proxy::GetSockOptCall call;
  call.level = static_cast<std::uint16_t>(level);
  call.optname = static_cast<std::uint16_t>(optname);
  call.size = static_cast<std::uint8_t>(std::min<std::size_t>(value.size(), 255));
  const auto result = session_->call_and_wait(lock, call, &m, Wait::forever());
  const std::string_view got = std::get<proxy::OptionResult>(result.body).value;
  const std::size_t count = std::min(value.size(), got.size());
  std::memcpy(value.data(), got.data(), count);
  return count;
}

SockAddr DeviceSocket::getsockname() {
  auto lock = session_->lock();
  check_usable();
  if (mirror_->local) return *mirror_->local;
  if (!session_->has(proxy::cap::getsockname)) raise(EOPNOTSUPP);
  const auto result =
      session_->call_and_wait(lock, proxy::GetSockNameCall{}, mirror_.get(), Wait::forever());
  const SockAddr addr = std::get<proxy::AddressResult>(result.body).addr;
  // Fixed once bound or connected; before, a later bind changes it.
  if (mirror_->connect == Mirror::Connect::connected || mirror_->listening) mirror_->local = addr;
  return addr;
}

SockAddr DeviceSocket::getpeername() {
  auto lock = session_->lock();
  check_usable();
  if (mirror_->connect != Mirror::Connect::connected || !mirror_->peer) raise(ENOTCONN);
  return *mirror_->peer;
}

void DeviceSocket::shutdown(int how) {
  auto lock = session_->lock();
  check_usable();
  if (how < 0 || how > 2) raise(EINVAL);
  Mirror& m = *mirror_;
  if (m.type == SockType::stream && m.connect != Mirror::Connect::connected) raise(ENOTCONN);
  const bool reads = how != 1;
  const bool writes = how != 0;
  if (writes && !session_->has(proxy::cap::shutdown)) raise(EOPNOTSUPP);
  if (reads) {
    // Done on the host: what is buffered is dropped and no more credit goes
    // out, so the board stops reading the socket.
    m.read_shut = true;
    m.stream.clear();
    m.datagrams.clear();
  }
  if (writes && !m.write_shut) {
    m.write_shut = true;
    proxy::ShutdownCall call;
    call.how = how == 1 ? proxy::ShutdownHow::write : proxy::ShutdownHow::both;
    session_->call(call, m.id, Session::Handling::background, "shutdown");
  }
}

TcpState DeviceSocket::tcp_state() {
  auto lock = session_->lock();
  if (closed_) return TcpState::unknown;
  return mirror_->tcp_state();
}

void DeviceSocket::close() noexcept {
  if (closed_) return;
  closed_ = true;
  try {
    auto lock = session_->lock();
    session_->close_socket(*mirror_);
  } catch (...) {
    // close() must not throw (backend.hpp); the session's failure, if any,
    // is raised by finish().
  }
}

}  // namespace usock::device
