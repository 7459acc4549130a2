#include "scripted_board.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace usock::test {
namespace {

using proxy::FrameType;
using namespace std::chrono_literals;

proxy::EndpointConfig board_config() {
  proxy::EndpointConfig config;
  config.side = proxy::Side::device;
  // Small windows keep the host's retransmission timeouts short on a pty,
  // which counts as a 115200-baud line.
  config.rx_win = 1024;
  config.mtu = 1024;
  config.txw = 4;
  config.max_message = 1500;
  return config;
}

}  // namespace

ScriptedBoard::ScriptedBoard() : endpoint_(board_config(), Clock::now()) {
  if (::pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  handler_ = [this](const Incoming& call) { answer_success(call); };
  thread_ = std::thread([this] { run(); });
}

ScriptedBoard::~ScriptedBoard() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  [[maybe_unused]] const auto woken = ::write(wake_[1], "x", 1);
  thread_.join();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void ScriptedBoard::set_handler(Handler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

void ScriptedBoard::send(const proxy::Message& message, std::uint16_t req, std::uint8_t sock) {
  {
    std::lock_guard lock(mutex_);
    endpoint_.send(message, req, sock);
  }
  [[maybe_unused]] const auto woken = ::write(wake_[1], "x", 1);
}

void ScriptedBoard::result(const Incoming& call, std::int16_t code, const proxy::ResultBody& body) {
  std::string encoded;
  if (code == 0) proxy::encode_result_body(body, encoded);
  proxy::Result answer;
  answer.code = code;
  answer.native = code;
  answer.text = code == 0 ? "" : "scripted failure";
  answer.body = encoded;
  send(answer, call.header.req, call.header.sock);
}

void ScriptedBoard::answer_success(const Incoming& call) {
  switch (call.header.type) {
    case FrameType::getaddrinfo: {
      proxy::AddrInfoResult found;
      found.entries.push_back({1, 6, "", SockAddr::ipv4({93, 184, 215, 14}, 80)});
      return result(call, 0, found);
    }
    case FrameType::bind: {
      const auto bind = std::get<proxy::BindCall>(call.message());
      return result(call, 0, proxy::AddressResult{bind.addr});
    }
    case FrameType::connect:
      return result(call, 0, proxy::AddressResult{SockAddr::ipv4({10, 0, 0, 2}, 40000)});
    case FrameType::getsockname:
    case FrameType::getpeername:
      return result(call, 0, proxy::AddressResult{SockAddr::ipv4({10, 0, 0, 2}, 40000)});
    case FrameType::bye:
      return send(proxy::ByeAck{});
    case FrameType::cancel:
      return result(call, ECANCELED);
    case FrameType::data:
    case FrameType::dgram:
    case FrameType::window:
      return;
    default:
      return result(call, 0);
  }
}

void ScriptedBoard::write_console(const std::string& text) {
  // Between delimiters, as a board's console text comes between frames,
  // written at once so that a test can fall silent right after it.
  const std::string bytes = std::string(1, '\0') + text + std::string(1, '\0');
  std::lock_guard lock(mutex_);
  [[maybe_unused]] const auto written = ::write(pty_.master_fd(), bytes.data(), bytes.size());
}

void ScriptedBoard::go_silent() {
  std::lock_guard lock(mutex_);
  silent_ = true;
}

Incoming ScriptedBoard::await(FrameType type, std::size_t nth) {
  std::unique_lock lock(mutex_);
  Incoming found;
  const bool arrived = received_changed_.wait_for(lock, 20s, [&] {
    std::size_t seen = 0;
    for (const auto& incoming : received_) {
      if (incoming.header.type == type && ++seen == nth) {
        found = incoming;
        return true;
      }
    }
    return false;
  });
  if (!arrived) throw std::runtime_error("the host never sent " + proxy::frame_type_name(type));
  return found;
}

void ScriptedBoard::handle(const Incoming& incoming) {
  if (incoming.header.type == FrameType::hello) {
    const auto hello = std::get<proxy::Hello>(incoming.message());
    proxy::HelloAck ack;
    ack.version = 1;
    ack.nonce = hello.nonce;
    ack.boot_id = kBootId;
    ack.rx_win = 1024;
    ack.rx_safe = 224;
    ack.mtu = 1024;
    ack.txw = 4;
    ack.max_sockets = 8;
    ack.sock_buf = kSockBuf;
    ack.max_msg = 1500;
    ack.caps = 0x1FFF;
    ack.platform = "scripted";
    ack.impl = "c++ test";
    ack.machine = "pty";
    ack.agent = "scripted-board 1";
    std::lock_guard lock(mutex_);
    endpoint_.send(ack);
    proxy::PeerLink peer;
    peer.rx_win = hello.rx_win;
    peer.mtu = hello.mtu;
    endpoint_.start_session(peer, Clock::now());
    return;
  }
  Handler handler;
  {
    std::lock_guard lock(mutex_);
    received_.push_back(incoming);
    handler = handler_;
  }
  received_changed_.notify_all();
  handler(incoming);
}

void ScriptedBoard::run() {
  std::unique_lock lock(mutex_);
  auto next_announce = Clock::now();
  char buffer[4096];
  while (!stopping_) {
    const auto now = Clock::now();
    if (!silent_) {
      if (!endpoint_.in_session() && now >= next_announce) {
        endpoint_.send(proxy::Announce{1, 1, kBootId});
        next_announce = now + 500ms;
      }
      if (endpoint_.next_timer() <= now) endpoint_.on_timer(now);
      std::vector<Incoming> incoming;
      proxy::LinkEndpoint::Event event;
      while (endpoint_.next_event(event)) {
        if (event.kind == proxy::LinkEndpoint::Event::Kind::message) {
          incoming.push_back({event.header, event.payload});
        }
      }
      if (!incoming.empty()) {
        lock.unlock();
        for (const auto& one : incoming)
          handle(one);
        lock.lock();
        continue;
      }
      while (true) {
        const auto out = endpoint_.output(now);
        if (out.empty()) break;
        const auto written = ::write(pty_.master_fd(), out.data(), out.size());
        if (written <= 0) break;
        endpoint_.wrote(static_cast<std::size_t>(written), now);
      }
    }
    const auto due = std::min(endpoint_.next_timer(), next_announce);
    const auto wait_ms = std::clamp<long long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count() + 1, 0,
        100);
    lock.unlock();
    pollfd fds[2] = {{pty_.master_fd(), POLLIN, 0}, {wake_[0], POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(wait_ms));
    char drain[64];
    while (::read(wake_[0], drain, sizeof drain) > 0) {
    }
    const auto got = ::read(pty_.master_fd(), buffer, sizeof buffer);
    lock.lock();
    if (got > 0 && !silent_) endpoint_.receive(std::string_view(buffer, got), Clock::now());
  }
}

}  // namespace usock::test
