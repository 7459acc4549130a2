// What the device sends, applied to the session: results to the calls that
// wait for them, pushed data and events to the socket mirrors, and the
// session frames that end it (PROTOCOL.md 7.5, 8).
#include <cstdio>

#include "device_log.hpp"
#include "session.hpp"
#include "usock/proxy/serial_order.hpp"
#include "usock/proxy/wire.hpp"

namespace usock::device {
namespace {

using proxy::FrameType;

std::string hex_preview(std::string_view bytes) {
  std::string out;
  for (const char byte : bytes.substr(0, 16)) {
    char text[4];
    std::snprintf(text, sizeof text, "%02x ", static_cast<unsigned char>(byte));
    out += text;
  }
  if (!out.empty()) out.pop_back();
  return out;
}

// Serial order (mod 2^32): a limit only ever moves forward.
std::uint32_t later_limit(std::uint32_t current, std::uint32_t offered) {
  return proxy::is_after(offered, current) ? offered : current;
}

}  // namespace

std::shared_ptr<Mirror> Session::live_mirror(std::uint8_t id) const {
  const auto found = sockets_.find(id);
  if (found == sockets_.end() || found->second->closed) return nullptr;
  return found->second;
}

void Session::on_event(proxy::LinkEndpoint::Event& event, Clock::time_point now) {
  using Kind = proxy::LinkEndpoint::Event::Kind;
  switch (event.kind) {
    case Kind::console:
      on_console(event.text, now);
      return;
    case Kind::damaged:
      storm_.damaged(now);
      if (phase_ == Phase::hello_sent) damaged_in_handshake_ = true;
      if (phase_ == Phase::listening) damage_heard_ = true;
      device_log().debug("device: skipped {} bytes of non-frame data: {}", event.size,
                         hex_preview(event.text));
      return;
    case Kind::protocol_error:
      fail_protocol(event.text);
      return;
    case Kind::out_of_session:
      on_evidence(now);
      return;
    case Kind::message:
      break;
  }
  on_evidence(now);
  try {
    const proxy::Message message = proxy::decode_message(event.header, event.payload);
    if (const auto* ack = std::get_if<proxy::HelloAck>(&message)) {
      if (phase_ == Phase::hello_sent) return on_hello_ack(*ack, now);
    }
    if (phase_ == Phase::open) on_message(event.header, message);
  } catch (const proxy::MalformedMessage& error) {
    fail_protocol(error.what());
  }
}

void Session::on_message(const proxy::Header& header, const proxy::Message& message) {
  switch (header.type) {
    case FrameType::announce:
      return on_announce(std::get<proxy::Announce>(message).boot_id, false);
    case FrameType::hello_ack:
      return on_announce(std::get<proxy::HelloAck>(message).boot_id, true);
    case FrameType::reset:
      return on_reset(std::get<proxy::Reset>(message));
    case FrameType::bye_ack:
      bye_acked_ = true;
      endpoint_.set_heartbeat(Clock::duration::zero());
      return;
    case FrameType::log: {
      const auto& log = std::get<proxy::Log>(message);
      const auto level = log.level == proxy::LogLevel::error     ? spdlog::level::err
                         : log.level == proxy::LogLevel::warning ? spdlog::level::warn
                         : log.level == proxy::LogLevel::info    ? spdlog::level::info
                                                                 : spdlog::level::debug;
      device_log().log(level, "device: {}", log.text);
      return;
    }
    case FrameType::result:
      return on_result(header, std::get<proxy::Result>(message));
    case FrameType::accepted:
      return on_accepted(header.sock, std::get<proxy::Accepted>(message));
    default:
      break;
  }
  // The rest concern one socket; a closed one's are dropped.
  const auto mirror = live_mirror(header.sock);
  if (!mirror) return;
  if (const auto* data = std::get_if<proxy::Data>(&message)) {
    if (data->limit) mirror->send_limit = later_limit(mirror->send_limit, *data->limit);
    if (!mirror->read_shut) mirror->stream.append(data->bytes);
  } else if (const auto* dgram = std::get_if<proxy::Dgram>(&message)) {
    if (dgram->limit) mirror->send_limit = later_limit(mirror->send_limit, *dgram->limit);
    if (!mirror->read_shut) mirror->datagrams.push_back({std::string(dgram->bytes), dgram->addr});
  } else if (const auto* window = std::get_if<proxy::Window>(&message)) {
    mirror->send_limit = later_limit(mirror->send_limit, window->limit);
  } else if (header.type == FrameType::eof) {
    mirror->eof = true;
  } else if (const auto* error = std::get_if<proxy::SockErr>(&message)) {
    mirror->broken = board_error(error->code, error->text);
  }
}

void Session::on_announce(std::uint32_t boot_id, bool hello_ack) {
  if (boot_id != board_.boot_id) {
    fail(LinkError::Kind::reset,
         "device reset during the transfer (new boot id; pending calls may or may not have run)");
  } else if (!hello_ack && bye_sent_) {
    // The board ended the session on our BYE and announces again, maybe
    // before its BYE_ACK reached us: the end we asked for.
    bye_acked_ = true;
  } else if (!hello_ack) {
    // The same agent announcing again has dropped our session.
    fail(LinkError::Kind::lost, "device link lost (the agent ended the session)");
  }
}

void Session::on_reset(const proxy::Reset& reset) {
  using Reason = proxy::ResetReason;
  const std::string detail = reset.detail.empty() ? "" : ": " + std::string(reset.detail);
  if (reset.boot_id != 0 && reset.boot_id != board_.boot_id) {
    return fail(LinkError::Kind::reset,
                "device reset during the transfer (new boot id; pending calls may or may not "
                "have run)");
  }
  switch (reset.reason) {
    case Reason::interrupted:
      return fail(LinkError::Kind::interrupted, "device agent interrupted");
    case Reason::no_memory:
      return fail(LinkError::Kind::agent_crashed,
                  "device agent crashed (out of memory" + detail + ")");
    case Reason::no_session:
      return fail(LinkError::Kind::reset,
                  "device reset during the transfer (it lost the session; pending calls may or "
                  "may not have run)");
    case Reason::peer_silent:
      return fail(LinkError::Kind::lost, "device link lost (the device stopped hearing us)");
    case Reason::version:
      return fail(LinkError::Kind::handshake, "device refused the protocol version" + detail);
    case Reason::protocol:
      return fail(LinkError::Kind::lost,
                  "device link lost (the device saw a protocol error" + detail + ")");
    case Reason::shutdown:
      break;
  }
  fail(LinkError::Kind::lost, "device link lost (the device ended the session" + detail + ")");
}

void Session::on_result(const proxy::Header& header, const proxy::Result& result) {
  endpoint_.answered(header.req);
  const auto found = pending_.find(header.req);
  // A RESULT for no pending call is one we cancelled and forgot.
  if (found == pending_.end()) return;
  Pending& call = found->second;
  if (call.handling == Handling::awaited) {
    call.done = true;
    call.outcome = Outcome{result.code, std::string(result.text), std::string(result.body)};
    return;
  }
  const Pending done = std::move(call);
  pending_.erase(found);
  const auto mirror = live_mirror(done.sock);
  switch (done.handling) {
    case Handling::awaited:
    case Handling::cancelled:
      return;
    case Handling::close:
      sockets_.erase(done.sock);
      return;
    case Handling::background:
      if (result.code == 0 || !mirror) return;
      if (done.call == FrameType::socket) {
        mirror->deferred = board_error(result.code, result.text);
        mirror->deferred_sticky = true;
      } else {
        const OSError error = board_error(result.code, result.text);
        mirror->deferred = OSError(error.code(), done.what + " failed earlier: " + error.reason());
      }
      return;
    case Handling::connect:
      if (!mirror || mirror->connect_req != header.req ||
          mirror->connect != Mirror::Connect::connecting) {
        return;
      }
      if (result.code != 0) {
        mirror->connect = Mirror::Connect::failed;
        mirror->so_error = board_error(result.code, result.text).code();
        return;
      }
      mirror->connect = Mirror::Connect::connected;
      try {
        const auto body = proxy::decode_result_body(FrameType::connect, result.body);
        const auto& local = std::get<proxy::AddressResult>(body).addr;
        if (local.family() != Family::unspec) mirror->local = local;
      } catch (const proxy::MalformedMessage& error) {
        fail_protocol(error.what());
      }
      return;
  }
}

void Session::on_accepted(std::uint8_t listener_id, const proxy::Accepted& accepted) {
  if (sockets_.count(accepted.sock) != 0) {
    return fail_protocol("ACCEPTED names socket " + std::to_string(accepted.sock) +
                         ", which is in use");
  }
  const Family family =
      accepted.peer.family() != Family::unspec ? accepted.peer.family() : Family::inet;
  auto child = std::make_shared<Mirror>(accepted.sock, family, SockType::stream);
  child->send_limit = board_.sock_buf;
  child->granted = kSocketWindow;
  child->connect = Mirror::Connect::connected;
  child->peer = accepted.peer;
  if (accepted.local.family() != Family::unspec) child->local = accepted.local;
  sockets_.emplace(accepted.sock, child);
  const auto listener = live_mirror(listener_id);
  if (listener) {
    listener->accepted.emplace_back(accepted.sock, accepted.peer);
  } else {
    close_socket(*child);
  }
}

}  // namespace usock::device
