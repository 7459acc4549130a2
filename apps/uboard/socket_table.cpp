#include "socket_table.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <variant>

#include "results.hpp"
#include "usock/error.hpp"
#include "usock/proxy/reassembler.hpp"
#include "usock/proxy/wire.hpp"

namespace uboard {

namespace proxy = usock::proxy;
using usock::Clock;
using usock::OSError;

namespace {

// Payload the board queues into the link endpoint beyond what is in flight:
// enough to keep a fast line busy, small enough that a slow one holds no
// more than a few seconds of it.
constexpr std::size_t kMaxLinkBacklog = 256 * 1024;
// The most one socket read takes at once.
constexpr std::size_t kReadSlice = 16 * 1024;
constexpr std::size_t kMaxDatagram = 65535;
// PROTOCOL.md 8.3: CLOSE waits this long for queued data, then is abortive.
constexpr auto kCloseLinger = std::chrono::seconds(10);

bool would_block(const OSError& error) {
  return error.code() == EAGAIN || error.code() == EWOULDBLOCK;
}

void close_abortively(usock::Socket& socket) {
  // SO_LINGER {on, 0 s}: the kernel sends RST and drops what is unsent, as a
  // board's stack does when it restarts.
  const std::array<int, 2> linger{1, 0};
  char raw[sizeof linger];
  std::memcpy(raw, linger.data(), sizeof raw);
  try {
    socket.backend().setsockopt(usock::sol::socket, usock::so::linger, raw);
  } catch (const OSError&) {
    // Not every socket lingers (UDP); closing is what matters.
  }
  socket.close();
}

}  // namespace

SocketTable::SocketTable(usock::Stack& stack, usock::Poller& poller)
    : stack_(stack), poller_(poller) {}

SocketTable::~SocketTable() {
  close_all();
}

void SocketTable::close_all() {
  while (!sockets_.empty())
    erase(sockets_.begin()->first, true);
}

void SocketTable::erase(std::uint8_t id, bool abortive) {
  const auto entry = sockets_.find(id);
  if (entry == sockets_.end()) return;
  // Closing the descriptor also takes it out of the epoll set.
  if (abortive) {
    close_abortively(entry->second->socket);
  } else {
    entry->second->socket.close();
  }
  sockets_.erase(entry);
}

bool SocketTable::pending(std::uint16_t req) const {
  return std::any_of(sockets_.begin(), sockets_.end(), [req](const auto& entry) {
    const DeviceSocket& socket = *entry.second;
    return socket.connect_req == req || socket.close_req == req || socket.shutdown_req == req;
  });
}

std::optional<std::uint8_t> SocketTable::free_device_id() const {
  if (sockets_.size() >= limits_.max_sockets) return std::nullopt;
  for (unsigned id = 128; id <= 254; ++id) {
    if (!sockets_.count(static_cast<std::uint8_t>(id))) return static_cast<std::uint8_t>(id);
  }
  return std::nullopt;
}

void SocketTable::call(proxy::LinkEndpoint& link, const proxy::Header& header,
                       const proxy::Message& message) {
  if (const auto* poll = std::get_if<proxy::PollCall>(&message)) {
    return poll_call(link, header.req, *poll);
  }
  if (const auto* socket = std::get_if<proxy::SocketCall>(&message)) {
    return socket_call(link, header.req, header.sock, *socket);
  }
  const auto entry = sockets_.find(header.sock);
  if (entry == sockets_.end() || entry->second->close_req) {
    return send_failure(link, header.req, header.sock, OSError::from_errno(EBADF));
  }
  DeviceSocket& socket = *entry->second;
  if (socket.failed && !std::holds_alternative<proxy::CloseCall>(message)) {
    // PROTOCOL.md 8.3: a cancelled CONNECT leaves the socket failed.
    return send_failure(link, header.req, header.sock, OSError::from_errno(ETIMEDOUT));
  }
  try {
    socket_op(link, header.req, socket, header.sock, message);
  } catch (const OSError& error) {
    send_failure(link, header.req, header.sock, error);
  }
}

void SocketTable::socket_call(proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t id,
                              const proxy::SocketCall& call) {
  if (sockets_.count(id)) return send_failure(link, req, id, EEXIST, "socket id in use");
  if (sockets_.size() >= limits_.max_sockets) {
    return send_failure(link, req, id, OSError::from_errno(EMFILE));
  }
  try {
    auto socket = stack_.socket(static_cast<usock::Family>(call.family),
                                static_cast<usock::SockType>(call.socktype), call.proto,
                                "s" + std::to_string(id));
    socket.settimeout(0.0);
    const bool stream = call.socktype == static_cast<std::uint8_t>(usock::SockType::stream);
    sockets_.emplace(id, std::make_unique<DeviceSocket>(std::move(socket), stream, limits_.sockwin,
                                                        limits_.sock_buf));
    send_success(link, req, id);
  } catch (const OSError& error) {
    send_failure(link, req, id, error);
  }
}

void SocketTable::socket_op(proxy::LinkEndpoint& link, std::uint16_t req, DeviceSocket& socket,
                            std::uint8_t id, const proxy::Message& message) {
  if (const auto* option = std::get_if<proxy::SetSockOptCall>(&message)) {
    socket.socket.setsockopt(option->level, option->optname, option->value);
    return send_success(link, req, id);
  }
  if (const auto* option = std::get_if<proxy::GetSockOptCall>(&message)) {
    std::string value(option->size, '\0');
    value.resize(socket.socket.backend().getsockopt(option->level, option->optname, value));
    return send_success(link, req, id, proxy::OptionResult{value});
  }
  if (const auto* bind = std::get_if<proxy::BindCall>(&message)) {
    socket.socket.bind(bind->addr);
    return send_success(link, req, id, proxy::AddressResult{socket.socket.getsockname()});
  }
  if (const auto* listen = std::get_if<proxy::ListenCall>(&message)) {
    socket.socket.listen(listen->backlog);
    socket.listening = true;
    socket.accept_limit = limits_.acceptwin;
    return send_success(link, req, id);
  }
  if (const auto* connect = std::get_if<proxy::ConnectCall>(&message)) {
    if (socket.connect_req) return send_failure(link, req, id, OSError::from_errno(EALREADY));
    try {
      socket.socket.connect(connect->addr);
    } catch (const OSError& error) {
      if (error.code() != EINPROGRESS) throw;
      // Answered when the socket becomes writable (finish_connect).
      socket.connect_req = req;
      return;
    }
    socket.connected = true;
    return send_success(link, req, id, proxy::AddressResult{socket.socket.getsockname()});
  }
  if (const auto* shutdown = std::get_if<proxy::ShutdownCall>(&message)) {
    if (shutdown->how != proxy::ShutdownHow::read && !socket.unwritten.empty()) {
      // Ordered after the DATA before it (PROTOCOL.md 8.3).
      socket.shutdown_req = req;
      socket.shutdown_how = shutdown->how;
      return;
    }
    socket.socket.shutdown(static_cast<int>(shutdown->how));
    if (shutdown->how != proxy::ShutdownHow::write) socket.read_shut = true;
    return send_success(link, req, id);
  }
  if (std::holds_alternative<proxy::CloseCall>(message)) {
    if (!socket.unwritten.empty() && !socket.broken) {
      socket.close_req = req;
      socket.close_deadline = Clock::now() + kCloseLinger;
      return;
    }
    erase(id, false);
    return send_success(link, req, id);
  }
  if (std::holds_alternative<proxy::GetSockNameCall>(message)) {
    return send_success(link, req, id, proxy::AddressResult{socket.socket.getsockname()});
  }
  if (std::holds_alternative<proxy::GetPeerNameCall>(message)) {
    return send_success(link, req, id, proxy::AddressResult{socket.socket.getpeername()});
  }
  send_failure(link, req, id, OSError::from_errno(EOPNOTSUPP));
}

void SocketTable::poll_call(proxy::LinkEndpoint& link, std::uint16_t req,
                            const proxy::PollCall& call) {
  // Immediate: the kernel's readiness now, through a poller of our own so the
  // loop's registrations stay as they are.
  proxy::PollResult result;
  auto poller = stack_.poll();
  std::vector<usock::PollEvent> ready;
  for (const auto& entry : call.entries) {
    proxy::PollEntry answer{entry.sock, 0};
    const auto found = sockets_.find(entry.sock);
    if (found == sockets_.end()) {
      answer.events = usock::pollev::err;
    } else {
      poller.backend().add(found->second->socket.backend(), entry.events, entry.sock);
      poller.backend().wait(usock::Wait::never(), ready, 1);
      poller.backend().remove(found->second->socket.backend());
      if (!ready.empty()) answer.events = static_cast<std::uint8_t>(ready.front().events);
    }
    result.entries.push_back(answer);
  }
  send_success(link, req, 0, result);
}

bool SocketTable::cancel(proxy::LinkEndpoint& link, std::uint16_t req, std::uint8_t id) {
  const auto entry = sockets_.find(id);
  if (entry == sockets_.end() || entry->second->connect_req != req) return false;
  DeviceSocket& socket = *entry->second;
  socket.connect_req.reset();
  socket.failed = true;
  send_failure(link, req, id, OSError::from_errno(ECANCELED));
  return true;
}

void SocketTable::data(proxy::LinkEndpoint& link, std::uint8_t id, const proxy::Data& data) {
  const auto entry = sockets_.find(id);
  // PROTOCOL.md 8.3: DATA for an unknown id is discarded.
  if (entry == sockets_.end()) return;
  DeviceSocket& socket = *entry->second;
  if (data.limit) socket.host_limit = *data.limit;
  const auto size = static_cast<std::uint32_t>(data.bytes.size());
  if (proxy::is_after(socket.received + size, socket.granted)) {
    throw proxy::MalformedMessage("DATA beyond the socket credit on socket " + std::to_string(id));
  }
  socket.received += size;
  // A broken socket swallows the bytes; the host has its SOCKERR.
  if (socket.broken) {
    socket.written += size;
  } else {
    socket.unwritten.append(data.bytes);
  }
  // Written by the next service(), when the socket takes it.
  (void)link;
}

void SocketTable::dgram(proxy::LinkEndpoint& link, std::uint8_t id, const proxy::Dgram& dgram) {
  const auto entry = sockets_.find(id);
  if (entry == sockets_.end()) return;
  DeviceSocket& socket = *entry->second;
  if (dgram.limit) socket.host_limit = *dgram.limit;
  const auto size = static_cast<std::uint32_t>(dgram.bytes.size());
  if (proxy::is_after(socket.received + size, socket.granted)) {
    throw proxy::MalformedMessage("DGRAM beyond the socket credit on socket " + std::to_string(id));
  }
  socket.received += size;
  socket.written += size;
  try {
    if (dgram.addr.family() == usock::Family::unspec) {
      socket.socket.send(dgram.bytes);
    } else {
      socket.socket.sendto(dgram.bytes, dgram.addr);
    }
  } catch (const OSError& error) {
    // UDP: a datagram the kernel cannot take now is lost, as on a board.
    if (!would_block(error)) send_sockerr(link, id, error);
  }
}

void SocketTable::window(std::uint8_t id, std::uint32_t limit) {
  const auto entry = sockets_.find(id);
  if (entry == sockets_.end()) return;
  DeviceSocket& socket = *entry->second;
  if (socket.listening) {
    socket.accept_limit = limit;
  } else {
    socket.host_limit = limit;
  }
}

void SocketTable::on_ready(std::uint8_t id, unsigned events) {
  const auto entry = sockets_.find(id);
  if (entry != sockets_.end()) entry->second->ready |= events;
}

bool SocketTable::may_read(const DeviceSocket& socket, const proxy::LinkEndpoint& link) const {
  if (link.backlog_bytes() >= kMaxLinkBacklog || socket.broken || socket.close_req) return false;
  if (socket.listening) {
    return proxy::is_after(socket.accept_limit, socket.accepted) && free_device_id().has_value();
  }
  if (socket.read_shut || socket.eof_sent || !socket.has_credit()) return false;
  // An unconnected stream socket reports a hang-up: nothing to read there.
  if (socket.stream) return socket.connected;
  return !socket.held_datagram;
}

void SocketTable::accept_ready(proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& listener) {
  const auto new_id = free_device_id();
  if (!new_id) return;
  try {
    auto [conn, peer] = listener.socket.accept();
    conn.set_name("s" + std::to_string(*new_id));
    conn.settimeout(0.0);
    const auto local = conn.getsockname();
    auto socket =
        std::make_unique<DeviceSocket>(std::move(conn), true, limits_.sockwin, limits_.sock_buf);
    socket->connected = true;
    sockets_.emplace(*new_id, std::move(socket));
    ++listener.accepted;
    link.send(proxy::Accepted{*new_id, peer, local}, 0, id);
  } catch (const OSError& error) {
    if (would_block(error)) listener.ready &= ~usock::pollev::in;
    // Other accept errors (a connection reset while queued) concern only
    // that connection: the listener goes on.
  }
}

void SocketTable::read_ready(proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket) {
  try {
    if (socket.stream) {
      const std::size_t want = std::min<std::size_t>(socket.credit_left(), kReadSlice);
      std::string bytes = socket.socket.recv(want);
      if (bytes.empty()) {
        socket.eof_sent = true;
        link.send(proxy::Eof{}, 0, id);
        return;
      }
      proxy::Data data;
      data.bytes = bytes;
      if (socket.grant_due()) {
        socket.granted = socket.next_grant();
        data.limit = socket.granted;
      }
      socket.pushed += static_cast<std::uint32_t>(bytes.size());
      link.send(data, 0, id);
      return;
    }
    socket.held_datagram = socket.socket.recvfrom(kMaxDatagram);
  } catch (const OSError& error) {
    if (would_block(error)) {
      socket.ready &= ~usock::pollev::in;
      return;
    }
    break_socket(link, id, socket, error);
  }
}

void SocketTable::push_datagram(proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket) {
  // PROTOCOL.md 6.2: a datagram goes only if all of it fits the credit.
  const auto size = static_cast<std::uint32_t>(socket.held_datagram->first.size());
  if (proxy::is_after(socket.pushed + size, socket.host_limit)) return;
  proxy::Dgram dgram;
  dgram.addr = socket.held_datagram->second;
  dgram.bytes = socket.held_datagram->first;
  // The host reassembles at most 65535 bytes (PROTOCOL.md 8.1): a larger
  // message is dropped as a network drops what exceeds its MTU.
  const std::size_t message_size = proxy::addr_wire_size(dgram.addr) + size;
  if (message_size > proxy::kHostMaxMessage) {
    spdlog::info("socket {}: dropped a datagram of {} bytes: too large for the link", id, size);
    socket.held_datagram.reset();
    return;
  }
  if (socket.grant_due() && message_size + proxy::kWindowPrefix <= proxy::kHostMaxMessage) {
    socket.granted = socket.next_grant();
    dgram.limit = socket.granted;
  }
  socket.pushed += size;
  link.send(dgram, 0, id);
  socket.held_datagram.reset();
}

void SocketTable::write_ready(proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket) {
  try {
    const std::size_t sent = socket.socket.send(socket.unwritten);
    socket.unwritten.erase(0, sent);
    socket.written += static_cast<std::uint32_t>(sent);
  } catch (const OSError& error) {
    if (would_block(error)) {
      socket.ready &= ~usock::pollev::out;
      return;
    }
    break_socket(link, id, socket, error);
  }
}

void SocketTable::finish_connect(proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket) {
  const std::uint16_t req = *socket.connect_req;
  socket.connect_req.reset();
  try {
    const int error = socket.socket.getsockopt_int(usock::sol::socket, usock::so::error);
    if (error != 0) throw OSError::from_errno(error);
    socket.connected = true;
    send_success(link, req, id, proxy::AddressResult{socket.socket.getsockname()});
  } catch (const OSError& error) {
    send_failure(link, req, id, error);
  }
}

void SocketTable::break_socket(proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket,
                               const OSError& error) {
  socket.broken = true;
  socket.written += static_cast<std::uint32_t>(socket.unwritten.size());
  socket.unwritten.clear();
  send_sockerr(link, id, error);
}

void SocketTable::send_grant(proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket) {
  if (!socket.grant_due() || socket.listening) return;
  socket.granted = socket.next_grant();
  link.send(proxy::Window{socket.granted}, 0, id);
}

bool SocketTable::finish_deferred(proxy::LinkEndpoint& link, std::uint8_t id, DeviceSocket& socket,
                                  Clock::time_point now) {
  const bool drained = socket.unwritten.empty();
  if (socket.shutdown_req && drained) {
    const std::uint16_t req = *socket.shutdown_req;
    socket.shutdown_req.reset();
    try {
      socket.socket.shutdown(static_cast<int>(socket.shutdown_how));
      if (socket.shutdown_how == proxy::ShutdownHow::both) socket.read_shut = true;
      send_success(link, req, id);
    } catch (const OSError& error) {
      send_failure(link, req, id, error);
    }
  }
  if (!socket.close_req) return false;
  if (!drained && now < socket.close_deadline) return false;
  const std::uint16_t req = *socket.close_req;
  if (socket.shutdown_req) send_failure(link, *socket.shutdown_req, id, EBADF, "socket closed");
  // After the linger the close is abortive (PROTOCOL.md 8.3).
  erase(id, !drained);
  send_success(link, req, id);
  return true;
}

void SocketTable::watch(std::uint8_t id, DeviceSocket& socket, unsigned events) {
  if (events == socket.watched) return;
  // Level-triggered epoll reports a hang-up even to a socket that asked for
  // nothing, so a socket waiting for nothing leaves the set.
  auto& backend = poller_.backend();
  if (events == 0) {
    backend.remove(socket.socket.backend());
  } else if (socket.watched == 0) {
    backend.add(socket.socket.backend(), events, id);
  } else {
    backend.modify(socket.socket.backend(), events, id);
  }
  socket.watched = events;
  socket.ready &= events;
}

void SocketTable::service(proxy::LinkEndpoint& link, Clock::time_point now) {
  for (auto entry = sockets_.begin(); entry != sockets_.end();) {
    const std::uint8_t id = entry->first;
    DeviceSocket& socket = *entry->second;
    ++entry;  // the socket may close below

    if (socket.connect_req &&
        (socket.ready & (usock::pollev::out | usock::pollev::err | usock::pollev::hup))) {
      finish_connect(link, id, socket);
    }
    if (!socket.unwritten.empty() && socket.connected && !socket.connect_req &&
        (socket.ready & (usock::pollev::out | usock::pollev::err | usock::pollev::hup))) {
      write_ready(link, id, socket);
    }
    if (may_read(socket, link) &&
        (socket.ready & (usock::pollev::in | usock::pollev::err | usock::pollev::hup))) {
      if (socket.listening) {
        accept_ready(link, id, socket);
      } else {
        read_ready(link, id, socket);
      }
    }
    if (socket.held_datagram) push_datagram(link, id, socket);
    send_grant(link, id, socket);
    if (finish_deferred(link, id, socket, now)) continue;

    unsigned events = 0;
    if (may_read(socket, link)) events |= usock::pollev::in;
    if (socket.connect_req || (!socket.unwritten.empty() && socket.connected && !socket.broken)) {
      events |= usock::pollev::out;
    }
    watch(id, socket, events);
  }
}

Clock::time_point SocketTable::next_timer() const {
  auto next = Clock::time_point::max();
  for (const auto& entry : sockets_) {
    if (entry.second->close_req) next = std::min(next, entry.second->close_deadline);
  }
  return next;
}

}  // namespace uboard
