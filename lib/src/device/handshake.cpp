// Finding the agent and opening the session (PROTOCOL.md 7.1, 7.2): listen
// for evidence that an agent is there (HELLO's control bytes would upset a
// REPL), then HELLO, resent with a doubling wait, until HELLO_ACK.
#include <string>

#include "device_log.hpp"
#include "session.hpp"

namespace usock::device {
namespace {

constexpr int kHelloTries = 4;
// A board whose answers arrive damaged is there, behind a noisy line: HELLO
// goes on being resent, for at most this long.
constexpr auto kNoisyHandshake = std::chrono::seconds(20);
// Wire bytes of HELLO and HELLO_ACK at their largest (256-byte bodies).
constexpr std::size_t kHandshakeWire = 2 * proxy::max_wire_size(proxy::kHandshakeMtu);

// Why the agent's link is not the --agent-mtu `asked` for.
std::string why_not_agent_mtu(bool uploaded, bool agent_file, unsigned asked) {
  if (!uploaded) {
    return "the agent was running already; one started from main.py takes main(mtu=" +
           std::to_string(asked) + ")";
  }
  return agent_file ? "the --agent file's main() ignores mtu" : "the uploaded agent ignored it";
}

}  // namespace

void Session::on_evidence(Clock::time_point now) {
  if (phase_ != Phase::listening) return;
  phase_ = Phase::hello_sent;
  hello_wait_ = std::chrono::milliseconds(250) + 2 * endpoint_.config().byte_time * kHandshakeWire;
  first_hello_wait_ = hello_wait_;
  hello_give_up_ = now + kNoisyHandshake;
  send_hello(now);
}

void Session::send_hello(Clock::time_point now) {
  proxy::Hello hello;
  hello.nonce = nonce_;
  // The endpoint enforces these limits: announce its values.
  hello.rx_win = endpoint_.config().rx_win;
  hello.mtu = static_cast<std::uint16_t>(endpoint_.config().mtu);
  hello.txw = endpoint_.config().txw;
  hello.sockwin = kSocketWindow;
  hello.acceptwin = kAcceptWindow;
  hello.flags = proxy::hello_flag::send_log;
  // HELLO must fit a 256-byte body before the handshake (PROTOCOL.md 7.2).
  hello.name = proxy::cut_utf8(hello_name_, 218);
  endpoint_.send(hello);
  ++hello_tries_;
  hello_due_ = now + hello_wait_;
  // Doubling for the tries PROTOCOL.md 7.2 counts. On a noisy line the
  // board answers but its answers break: retrying fast is what helps.
  hello_wait_ = damaged_in_handshake_ ? first_hello_wait_ : 2 * hello_wait_;
}

void Session::check_handshake(Clock::time_point now) {
  if (phase_ == Phase::listening && now >= listen_until_) {
    on_listen_timeout(now);
  } else if (phase_ == Phase::hello_sent && now >= hello_due_) {
    const bool noisy = damaged_in_handshake_ && now < hello_give_up_;
    if (hello_tries_ < kHelloTries || noisy) {
      send_hello(now);
    } else {
      fail(LinkError::Kind::handshake, "no agent answering on " + uri() + " (no reply to HELLO)");
    }
  }
}

void Session::on_hello_ack(const proxy::HelloAck& ack, Clock::time_point now) {
  if (phase_ != Phase::hello_sent || ack.nonce != nonce_) return;
  if (ack.version == 0) {
    fail(LinkError::Kind::handshake,
         "device agent speaks protocol " + std::to_string(ack.vmin) + "-" +
             std::to_string(ack.vmax) + ", this usock " + std::to_string(proxy::kVersion) + "-" +
             std::to_string(proxy::kVersion) + " (update usock or the agent)");
    return;
  }
  board_.boot_id = ack.boot_id;
  board_.caps = ack.caps;
  board_.sock_buf = ack.sock_buf;
  board_.max_msg = ack.max_msg;
  board_.max_block_ms = ack.max_block_ms;
  board_.mtu = ack.mtu;
  board_.max_sockets = ack.max_sockets;
  board_.baud = ack.baud;
  board_.mem_free = ack.mem_free;
  board_.platform = ack.platform;
  board_.impl = ack.impl;
  board_.machine = ack.machine;
  board_.agent = ack.agent;

  proxy::PeerLink peer;
  peer.rx_win = ack.rx_win;
  peer.mtu = ack.mtu;
  peer.max_message = ack.max_msg;
  peer.rx_safe = ack.rx_safe;
  peer.byte_time = proxy::byte_time_at(ack.baud);
  endpoint_.start_session(peer, now);
  endpoint_.set_heartbeat(std::chrono::seconds(1));
  phase_ = Phase::open;
  device_log().info("device: {} ({}), {}, {} KB free, protocol {}, {} baud", board_.platform,
                    board_.machine, board_.impl, board_.mem_free / 1024, ack.version, board_.baud);
  device_log().debug("device: link: mtu {}, rx_win {}, rx_safe {}, txw {}; {} sockets of {} bytes",
                     ack.mtu, ack.rx_win, ack.rx_safe, ack.txw, ack.max_sockets, ack.sock_buf);
  // --agent-mtu reaches only an agent this tool starts, and only one whose
  // main() takes it: the user asked for a smaller link to save the board's
  // heap, and should know when it did not happen, and why.
  if (options_.agent_mtu != 0 && ack.mtu != options_.agent_mtu) {
    device_log().warn(
        "device: the agent's link has frames of up to {} bytes, not the {} of --agent-mtu ({})",
        ack.mtu, options_.agent_mtu,
        why_not_agent_mtu(injected_, !options_.agent.empty(), options_.agent_mtu));
  }
}

}  // namespace usock::device
