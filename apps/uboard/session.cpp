#include "session.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <variant>

#include "results.hpp"
#include "usock/proxy/wire.hpp"
#include "version.hpp"

namespace uboard {

namespace proxy = usock::proxy;
using usock::Clock;

namespace {

constexpr auto kAnnounceInterval = std::chrono::milliseconds(500);
// PROTOCOL.md 7.5: RESET NO_SESSION at most this often.
constexpr auto kNoSessionInterval = std::chrono::milliseconds(100);
// PROTOCOL.md 5.5 T_host_gone, 7.6 BYE linger.
constexpr auto kHostGone = std::chrono::seconds(10);
constexpr auto kByeLinger = std::chrono::seconds(1);
// PROTOCOL.md 11; the link's own limits are announced from its endpoint.
constexpr std::uint32_t kSockBuf = 65536;
constexpr std::uint32_t kAllCaps = (1u << 13) - 1;
// HELLO_ACK's four strings share what is left of a 256-byte body.
constexpr std::size_t kIdentityBytes = 190;

bool is_lookup(const proxy::Message& message) {
  return std::holds_alternative<proxy::GetAddrInfoCall>(message) ||
         std::holds_alternative<proxy::GetNameInfoCall>(message);
}

bool is_call(proxy::FrameType type) {
  const auto value = static_cast<std::uint8_t>(type);
  return value >= 0x10 && value <= 0x1C;
}

}  // namespace

Session::Session(SocketTable& sockets, Resolver& resolver, BoardIdentity identity)
    : sockets_(sockets), resolver_(resolver), identity_(std::move(identity)) {}

void Session::restart(proxy::LinkEndpoint& link, std::uint32_t boot_id, Clock::time_point now) {
  boot_id_ = boot_id;
  active_ = false;
  lookups_.clear();
  bye_deadline_ = Clock::time_point::max();
  sockets_.close_all();
  link.end_session();
  link.mark_fresh_start();
  link.send(proxy::Announce{proxy::kVersion, proxy::kVersion, boot_id_});
  next_announce_ = now + kAnnounceInterval;
}

void Session::end(proxy::LinkEndpoint& link, Clock::time_point now) {
  sockets_.close_all();
  lookups_.clear();
  active_ = false;
  bye_deadline_ = Clock::time_point::max();
  link.end_session();
  next_announce_ = now;
}

void Session::drop(proxy::LinkEndpoint& link) {
  if (active_) spdlog::info("host left: session with {} ended", host_name_);
  end(link, Clock::now());
}

void Session::reset(proxy::LinkEndpoint& link, proxy::ResetReason reason, std::string_view detail) {
  link.send(proxy::Reset{reason, boot_id_, proxy::cut_utf8(detail, proxy::kMaxErrorText)});
}

void Session::handle(proxy::LinkEndpoint& link, const proxy::LinkEndpoint::Event& event,
                     Clock::time_point now) {
  using Kind = proxy::LinkEndpoint::Event::Kind;
  switch (event.kind) {
    case Kind::console:
      spdlog::debug("host console: {}", event.text);
      return;
    case Kind::damaged:
      spdlog::debug("skipped {} bytes of non-frame data", event.size);
      return;
    case Kind::out_of_session:
      if (now - last_no_session_ >= kNoSessionInterval) {
        last_no_session_ = now;
        reset(link, proxy::ResetReason::no_session, "no session");
      }
      return;
    case Kind::protocol_error:
      spdlog::warn("protocol error from {}: {}", host_name_, event.text);
      end(link, now);
      reset(link, proxy::ResetReason::protocol, event.text);
      return;
    case Kind::message:
      break;
  }
  try {
    const proxy::Message message = proxy::decode_message(event.header, event.payload);
    if (const auto* hello_message = std::get_if<proxy::Hello>(&message)) {
      return hello(link, *hello_message, now);
    }
    if (const auto* reset_message = std::get_if<proxy::Reset>(&message)) {
      spdlog::info("host reset the session ({})", reset_message->detail);
      return end(link, now);
    }
    if (!active_) return;
    sequenced(link, event.header, message, now);
  } catch (const proxy::MalformedMessage& error) {
    spdlog::warn("malformed message from {}: {}", host_name_, error.what());
    end(link, now);
    reset(link, proxy::ResetReason::protocol, error.what());
  }
}

void Session::hello(proxy::LinkEndpoint& link, const proxy::Hello& hello, Clock::time_point now) {
  proxy::HelloAck ack;
  ack.nonce = hello.nonce;
  if (hello.vmin > proxy::kVersion || hello.vmax < proxy::kVersion) {
    // PROTOCOL.md 7.2: no common version, no session.
    spdlog::info("HELLO for protocol {}-{}: not spoken here", hello.vmin, hello.vmax);
    if (active_) end(link, now);
    ack.version = 0;
    link.send(ack);
    return;
  }
  if (!active_ || hello.nonce != nonce_) {
    if (active_) spdlog::info("new HELLO: session with {} replaced", host_name_);
    end(link, now);
    nonce_ = hello.nonce;
    host_name_ = std::string(hello.name);
    hello_ = hello;
    hello_.name = host_name_;
    proxy::PeerLink peer;
    peer.rx_win = hello.rx_win;
    peer.mtu = hello.mtu;
    peer.max_message = proxy::kHostMaxMessage;
    peer.byte_time = link.config().byte_time;
    link.start_session(peer, now);
    link.mark_fresh_start();
    sockets_.set_limits(
        SocketLimits{identity_.max_sockets, kSockBuf, hello.sockwin, hello.acceptwin});
    active_ = true;
    spdlog::info("HELLO from \"{}\": session started", host_name_);
  }
  // The same nonce again: the HELLO_ACK was lost; the same answer.
  const std::string impl = "usock " + std::string(usock::cli::version_number());
  ack.version = proxy::kVersion;
  ack.boot_id = boot_id_;
  // The endpoint is what enforces these: announce its values, never a copy.
  const proxy::EndpointConfig& link_config = link.config();
  ack.rx_win = link_config.rx_win;
  ack.rx_safe = link_config.rx_win;  // uboard reads the line at all times
  ack.mtu = static_cast<std::uint16_t>(link_config.mtu);
  ack.txw = link_config.txw;
  ack.max_sockets = static_cast<std::uint8_t>(identity_.max_sockets);
  ack.sock_buf = kSockBuf;
  ack.max_msg = static_cast<std::uint16_t>(link_config.max_message);
  ack.max_block_ms = 0;
  ack.caps = kAllCaps;
  ack.baud = identity_.baud;
  ack.platform = "uboard";
  ack.impl = impl;
  ack.agent = "uboard 1";
  const std::size_t fixed = ack.platform.size() + ack.impl.size() + ack.agent.size();
  ack.machine = proxy::cut_utf8(identity_.machine, kIdentityBytes - fixed);
  link.send(ack);
}

void Session::sequenced(proxy::LinkEndpoint& link, const proxy::Header& header,
                        const proxy::Message& message, Clock::time_point now) {
  if (std::holds_alternative<proxy::Bye>(message)) {
    spdlog::info("BYE from {}", host_name_);
    sockets_.close_all();
    lookups_.clear();
    link.send(proxy::ByeAck{});
    // The BYE_ACK lingers until acknowledged or a second passes (on_timer);
    // a board started from main.py goes back to announcing either way.
    bye_deadline_ = now + kByeLinger;
    return;
  }
  if (const auto* data = std::get_if<proxy::Data>(&message)) {
    return sockets_.data(link, header.sock, *data);
  }
  if (const auto* dgram = std::get_if<proxy::Dgram>(&message)) {
    return sockets_.dgram(link, header.sock, *dgram);
  }
  if (const auto* window = std::get_if<proxy::Window>(&message)) {
    return sockets_.window(header.sock, window->limit);
  }
  if (std::holds_alternative<proxy::CancelCall>(message)) {
    const auto lookup = lookups_.find(header.req);
    if (lookup != lookups_.end()) {
      lookups_.erase(lookup);
      send_failure(link, header.req, 0, usock::OSError::from_errno(ECANCELED));
      return;
    }
    sockets_.cancel(link, header.req, header.sock);
    return;
  }
  if (!is_call(header.type)) return;
  if (lookups_.count(header.req) || sockets_.pending(header.req)) {
    throw proxy::MalformedMessage("request id " + std::to_string(header.req) +
                                  " reused while its call is pending");
  }
  if (is_lookup(message)) return lookup(header, message);
  sockets_.call(link, header, message);
}

void Session::lookup(const proxy::Header& header, const proxy::Message& message) {
  Resolver::Question question;
  question.ticket = next_ticket_++;
  question.req = header.req;
  if (const auto* call = std::get_if<proxy::GetAddrInfoCall>(&message)) {
    if (call->host) question.host = std::string(*call->host);
    question.port = call->port;
    question.hints.family = static_cast<usock::Family>(call->family);
    question.hints.type = static_cast<usock::SockType>(call->socktype);
    question.hints.proto = call->proto;
    question.hints.flags = call->flags;
  } else {
    const auto& name_call = std::get<proxy::GetNameInfoCall>(message);
    question.name_of = name_call.addr;
    question.ni_flags = name_call.flags;
  }
  lookups_[header.req] = question.ticket;
  resolver_.ask(std::move(question));
}

void Session::answer(proxy::LinkEndpoint& link, const Resolver::Answer& answer) {
  const auto lookup = lookups_.find(answer.req);
  if (lookup == lookups_.end() || lookup->second != answer.ticket) return;
  lookups_.erase(lookup);
  if (answer.code != 0) return send_failure(link, answer.req, 0, answer.code, answer.reason);
  if (answer.names) {
    return send_success(link, answer.req, 0,
                        proxy::NameInfoResult{answer.name.host, answer.name.service});
  }
  proxy::AddrInfoResult result;
  for (const auto& entry : answer.entries) {
    result.entries.push_back(proxy::AddrInfoEntry{static_cast<std::uint8_t>(entry.type),
                                                  static_cast<std::uint8_t>(entry.proto),
                                                  entry.canonname, entry.addr});
  }
  send_success(link, answer.req, 0, result);
}

void Session::on_timer(proxy::LinkEndpoint& link, Clock::time_point now, bool line_idle) {
  if (active_ && bye_deadline_ != Clock::time_point::max() &&
      (link.all_acknowledged() || now >= bye_deadline_)) {
    spdlog::info("session with {} ended by BYE", host_name_);
    end(link, now);
  }
  if (active_ && now - link.last_heard() >= kHostGone) {
    spdlog::info("host {} silent for {} s: session ended", host_name_,
                 std::chrono::duration_cast<std::chrono::seconds>(kHostGone).count());
    end(link, now);
    reset(link, proxy::ResetReason::peer_silent, "host silent");
  }
  if (!active_ && line_idle && now >= next_announce_) {
    link.send(proxy::Announce{proxy::kVersion, proxy::kVersion, boot_id_});
    next_announce_ = now + kAnnounceInterval;
  }
}

Clock::time_point Session::next_timer(const proxy::LinkEndpoint& link) const {
  if (!active_) return next_announce_;
  return std::min(bye_deadline_, link.last_heard() + kHostGone);
}

}  // namespace uboard
