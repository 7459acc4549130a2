#include "session.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <stdexcept>

#include "device_log.hpp"
#include "usock/proxy/errors.hpp"
#include "usock/proxy/wire.hpp"
#include "usock/serial.hpp"

namespace usock::device {
namespace {

using proxy::FrameType;

proxy::EndpointConfig endpoint_config(const LinkAddress& address) {
  // The host's window, mtu and send window are EndpointConfig's defaults.
  proxy::EndpointConfig config;
  config.side = proxy::Side::host;
  // A serial port paces bytes at its baud rate; a TCP stream, stdio or a pty
  // does not, and the 20 ms floors of PROTOCOL.md 5.4 apply unless the
  // board's HELLO_ACK names a rate (uboard --baud).
  if (address.kind == LinkAddress::Kind::serial && !is_pseudo_terminal(address.path)) {
    config.byte_time = proxy::byte_time_at(address.baud);
  }
  return config;
}

int make_wake_fd() {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw OSError::from_errno(errno);
  return fd;
}

}  // namespace

Session::Session(Link link, DeviceOptions options)
    : link_(std::move(link)),
      options_(std::move(options)),
      hello_name_("usock/" USOCK_VERSION " " + options_.tool),
      wake_fd_(make_wake_fd()),
      endpoint_(endpoint_config(link_.address()), Clock::now()) {}

Session::~Session() {
  stop();
  ::close(wake_fd_);
}

void Session::start() {
  {
    Lock lock(mutex_);
    start_listening(Clock::now());
    nonce_ = std::random_device{}();
  }
  thread_ = std::thread([this] { run(); });
  Lock lock(mutex_);
  // The handshake bounds itself: discovery and the bootstrap time out, and
  // HELLO goes four times.
  changed_.wait(lock, [&] {
    return phase_ != Phase::listening && phase_ != Phase::bootstrapping &&
           phase_ != Phase::hello_sent;
  });
  check();
}

void Session::finish(Wait wait) {
  Lock lock(mutex_);
  if (phase_ == Phase::finished) return;
  const auto delivered = [&] {
    for (const auto& [req, call] : pending_) {
      if (call.handling == Handling::close || call.handling == Handling::background) return false;
    }
    return endpoint_.all_acknowledged();
  };
  if (!wait_until(lock, wait, delivered)) throw OSError::from_errno(ETIMEDOUT);
  bye_acked_ = false;
  bye_sent_ = true;
  raw_prompt_seen_ = false;
  prompt_tail_.clear();
  // EXIT only for an agent we started (PROTOCOL.md 7.6): the board goes
  // back to its REPL. One started from main.py stays for the next tool.
  endpoint_.send(proxy::Bye{injected_});
  wake();
  // The device answers at once; go-back-N resends a lost BYE or BYE_ACK.
  // PROTOCOL.md 7.6 gives up after two tries, which 2 s covers; the
  // caller's own bound comes first.
  const int left_ms = wait.remaining_ms();
  const auto bye_ms = left_ms < 0 ? 2000 : std::min(left_ms, 2000);
  const auto bye_bound = Wait::until(Clock::now() + std::chrono::milliseconds(bye_ms));
  if (!wait_until(lock, bye_bound, [&] { return bye_acked_; })) {
    device_log().info("device: no BYE_ACK from the board; leaving it anyway");
  }
  leave_raw_repl(lock);
  phase_ = Phase::finished;
  changed_.notify_all();
}

void Session::stop() noexcept {
  {
    Lock lock(mutex_);
    stopping_ = true;
    if (phase_ == Phase::open) {
      // Leaving without BYE (PROTOCOL.md 7.5): the agent closes our sockets
      // now instead of after T_host_gone. Best effort, without waiting.
      proxy::Reset reset;
      reset.reason = proxy::ResetReason::shutdown;
      try {
        endpoint_.send(reset);
        write_output(Clock::now());
      } catch (...) {
      }
    }
    // Sockets may outlive their stack by mistake: with no link thread left
    // to wake them, their waits must end now rather than never.
    if (phase_ != Phase::finished) fail(LinkError::Kind::lost, "the device stack was closed");
  }
  wake();
  if (thread_.joinable()) thread_.join();
}

void Session::check() const {
  if (failure_) throw *failure_;
  if (phase_ == Phase::finished) throw OSError(ENOTCONN, "the device session has ended");
}

bool Session::blocks_agent(proxy::FrameType call) const {
  // A call the board runs inside its loop stops it (PROTOCOL.md 6.1): DNS
  // without ASYNC_DNS, connect without NONBLOCK_CONNECT.
  return ((call == proxy::FrameType::getaddrinfo || call == proxy::FrameType::getnameinfo) &&
          !has(proxy::cap::async_dns)) ||
         (call == proxy::FrameType::connect && !has(proxy::cap::nonblock_connect));
}

void Session::wake() noexcept {
  const std::uint64_t one = 1;
  // A full counter already wakes the thread: nothing to do on failure.
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void Session::send(const proxy::Message& message, std::uint8_t sock) {
  check();
  endpoint_.send(message, 0, sock);
  wake();
}

std::uint16_t Session::call(const proxy::Message& message, std::uint8_t sock, Handling handling,
                            std::string what) {
  check();
  const std::uint16_t req = next_request_id();
  try {
    if (blocks_agent(proxy::message_type(message))) {
      endpoint_.send_blocking(message, req, sock);
    } else {
      endpoint_.send(message, req, sock);
    }
  } catch (const std::length_error&) {
    throw OSError::from_errno(EMSGSIZE);
  }
  Pending pending;
  pending.call = proxy::message_type(message);
  pending.sock = sock;
  pending.handling = handling;
  pending.what = std::move(what);
  pending_.emplace(req, std::move(pending));
  wake();
  return req;
}

Session::CallResult Session::call_and_wait(Lock& lock, const proxy::Message& message,
                                           Mirror* mirror, Wait wait) {
  const std::uint8_t sock = mirror ? mirror->id : 0;
  const std::uint16_t req = call(message, sock, Handling::awaited);
  if (!wait_until(lock, wait, [&] { return pending_.at(req).done; })) {
    cancel(req, sock);
    throw OSError::from_errno(wait.is_never() ? EAGAIN : ETIMEDOUT);
  }
  const auto node = pending_.extract(req);
  const Outcome& outcome = node.mapped().outcome;
  if (mirror && mirror->deferred) {
    const OSError earlier = *mirror->deferred;
    if (!mirror->deferred_sticky) mirror->deferred.reset();
    throw earlier;
  }
  if (outcome.code != 0) throw board_error(outcome.code, outcome.text);
  // The decoded body views its bytes: they move to the heap with it.
  auto bytes = std::make_unique<const std::string>(std::move(node.mapped().outcome.body));
  auto body = decode(node.mapped().call, *bytes);
  return CallResult{std::move(bytes), std::move(body)};
}

void Session::cancel(std::uint16_t req, std::uint8_t sock) {
  const auto found = pending_.find(req);
  if (found == pending_.end()) return;
  found->second.handling = Handling::cancelled;
  if (phase_ != Phase::open) return;
  endpoint_.send(proxy::CancelCall{}, req, sock);
  wake();
}

proxy::ResultBody Session::decode(proxy::FrameType call, const std::string& body) {
  try {
    return proxy::decode_result_body(call, body);
  } catch (const proxy::MalformedMessage& error) {
    fail_protocol(error.what());
    throw *failure_;
  }
}

OSError Session::board_error(int code, std::string_view text) {
  const int portable = proxy::portable_error_code(code);
  // The board's own text is for -v; users see the usual message for the
  // code, so a refused connection reads the same on every stack.
  device_log().debug("device: error {} from the board: {}", code, text);
  return portable < 0 ? OSError::from_resolver(portable) : OSError::from_errno(portable);
}

std::uint16_t Session::next_request_id() {
  // 1-65535, never one still pending (PROTOCOL.md 8.2).
  do {
    last_req_ = static_cast<std::uint16_t>(last_req_ == 0xFFFF ? 1 : last_req_ + 1);
  } while (pending_.count(last_req_) != 0);
  return last_req_;
}

std::optional<std::uint8_t> Session::free_socket_id() {
  // Round robin over 1-127, so a just-freed id is the last to come back and
  // a late frame for it cannot be taken for the new socket's.
  for (int i = 0; i < 127; ++i) {
    last_socket_id_ = static_cast<std::uint8_t>(last_socket_id_ % 127 + 1);
    if (sockets_.count(last_socket_id_) == 0) return last_socket_id_;
  }
  return std::nullopt;
}

std::shared_ptr<Mirror> Session::open_socket(Family family, SockType type, int proto) {
  check();
  if (family != Family::inet && family != Family::inet6) throw OSError::from_errno(EAFNOSUPPORT);
  if (family == Family::inet6 && !has(proxy::cap::inet6)) {
    throw OSError::from_errno(EAFNOSUPPORT);
  }
  if (type != SockType::stream && type != SockType::dgram) {
    throw OSError::from_errno(EPROTONOSUPPORT);
  }
  if (type == SockType::dgram && !has(proxy::cap::udp)) throw OSError::from_errno(EPROTONOSUPPORT);
  if (proto < 0 || proto > 255) throw OSError::from_errno(EPROTONOSUPPORT);
  if (sockets_.size() >= board_.max_sockets) throw OSError::from_errno(EMFILE);
  const auto id = free_socket_id();
  if (!id) throw OSError::from_errno(EMFILE);
  auto mirror = std::make_shared<Mirror>(*id, family, type);
  mirror->send_limit = board_.sock_buf;
  mirror->granted = kSocketWindow;
  proxy::SocketCall call;
  call.family = static_cast<std::uint8_t>(family);
  call.socktype = static_cast<std::uint8_t>(type);
  call.proto = static_cast<std::uint8_t>(proto);
  this->call(call, *id, Handling::background, "socket");
  sockets_.emplace(*id, mirror);
  return mirror;
}

std::shared_ptr<Mirror> Session::accepted_socket(std::uint8_t id) {
  const auto found = sockets_.find(id);
  return found == sockets_.end() ? nullptr : found->second;
}

void Session::close_socket(Mirror& mirror) noexcept {
  if (mirror.closed) return;
  mirror.closed = true;
  // Connections the device accepted and nobody took die with their listener.
  for (const auto& [child_id, peer] : mirror.accepted) {
    if (const auto child = accepted_socket(child_id)) close_socket(*child);
  }
  mirror.accepted.clear();
  if (phase_ != Phase::open) {
    sockets_.erase(mirror.id);
    return;
  }
  try {
    call(proxy::CloseCall{}, mirror.id, Handling::close);
  } catch (...) {
    // Only memory can fail here; the id then stays taken, which is safe.
  }
}

std::optional<std::uint32_t> Session::credit_to_piggyback(Mirror& mirror) {
  if (mirror.read_shut) return std::nullopt;
  const std::uint32_t limit = mirror.consumed + kSocketWindow;
  if (limit == mirror.granted) return std::nullopt;
  mirror.granted = limit;
  return limit;
}

void Session::return_credit(Mirror& mirror) {
  if (mirror.read_shut || mirror.closed) return;
  const std::uint32_t limit = mirror.consumed + kSocketWindow;
  // A datagram goes only whole: after each one taken, the board may hold its
  // largest again (PROTOCOL.md 6.2).
  const std::uint32_t due = mirror.type == SockType::stream ? kSocketWindow / 4 : 1;
  if (limit - mirror.granted < due) return;
  mirror.granted = limit;
  send(proxy::Window{limit}, mirror.id);
}

void Session::return_accept_credit(Mirror& listener) {
  // Once the queue is drained (PROTOCOL.md 10): the device keeps at most
  // kAcceptWindow connections waiting for us.
  if (!listener.accepted.empty() || listener.closed) return;
  const std::uint32_t limit = listener.accepts_taken + kAcceptWindow;
  if (limit == listener.accepts_granted) return;
  listener.accepts_granted = limit;
  send(proxy::Window{limit}, listener.id);
}

std::size_t Session::link_room() const noexcept {
  const std::size_t backlog = endpoint_.backlog_bytes();
  return backlog < kLinkBacklog ? kLinkBacklog - backlog : 0;
}

void Session::fail(LinkError::Kind kind, const std::string& message) {
  if (failure_) return;
  failure_.emplace(kind, message);
  hand_back_ = failed_start_hand_back(kind);
  if (phase_ == Phase::open) endpoint_.end_session();
  phase_ = Phase::failed;
  pending_.clear();
  changed_.notify_all();
}

void Session::fail_protocol(const std::string& detail) {
  if (phase_ == Phase::open) {
    proxy::Reset reset;
    reset.reason = proxy::ResetReason::protocol;
    reset.detail = proxy::cut_utf8(detail, 200);
    endpoint_.send(reset);
    wake();
  }
  fail(LinkError::Kind::lost, "device link lost (protocol error: " + detail + ")");
}

}  // namespace usock::device
