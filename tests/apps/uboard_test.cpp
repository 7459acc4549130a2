// uboard against a scripted host: a real `uboard --pty` process, and on the
// test's side of the pseudo-terminal a host-side LinkEndpoint driven by hand,
// so every check sees the messages the board sends (PROTOCOL.md 7, 8, 11).

#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include "board.hpp"
#include "usock/error.hpp"
#include "usock/link.hpp"
#include "usock/native_stack.hpp"
#include "usock/proxy/endpoint.hpp"
#include "usock/proxy/message.hpp"

namespace proxy = usock::proxy;
using usock::Clock;
using usock::test::Board;

namespace {

// A decoded message with the header it came in (payload kept alive).
struct Received {
  proxy::Header header;
  std::string payload;
  proxy::Message message() const { return proxy::decode_message(header, payload); }
};

class ScriptedHost {
 public:
  explicit ScriptedHost(const std::string& device)
      : link_(usock::Link::open(address_of(device))),
        endpoint_(std::make_unique<proxy::LinkEndpoint>(proxy::EndpointConfig{}, Clock::now())) {}

  proxy::LinkEndpoint& endpoint() { return *endpoint_; }
  const std::deque<std::string>& console() const { return console_; }

  // Pumps the line until `wanted` accepts a message; fails the test after `timeout`.
  Received expect(const std::function<bool(const Received&)>& wanted,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      while (!received_.empty()) {
        Received next = std::move(received_.front());
        received_.pop_front();
        if (wanted(next)) return next;
      }
      pump(std::chrono::milliseconds(10));
    }
    FAIL("no expected message within the time limit");
    return {};
  }

  // A message `wanted` accepts if one has arrived already; no waiting.
  std::optional<Received> take(const std::function<bool(const Received&)>& wanted) {
    for (auto it = received_.begin(); it != received_.end(); ++it) {
      if (!wanted(*it)) continue;
      Received found = std::move(*it);
      received_.erase(it);
      return found;
    }
    return std::nullopt;
  }

  Received expect_type(proxy::FrameType type,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return expect([type](const Received& got) { return got.header.type == type; }, timeout);
  }

  Received expect_result(std::uint16_t req) {
    return expect([req](const Received& got) {
      return got.header.type == proxy::FrameType::result && got.header.req == req;
    });
  }

  proxy::HelloAck hello(std::uint32_t nonce = 0x5EED1234) {
    proxy::Hello hello;
    hello.nonce = nonce;
    hello.rx_win = proxy::kMaxRxWindow;
    hello.mtu = 4096;
    hello.txw = 32;
    hello.sockwin = 65536;
    hello.acceptwin = 4;
    hello.name = "usock/test uboard_test";
    // Resent with the same nonce until answered, as on a noisy line (PROTOCOL.md 7.2).
    std::optional<Received> answer;
    for (int attempt = 0; attempt < 20 && !answer; ++attempt) {
      // Before HELLO_ACK a host may send only 224 bytes (PROTOCOL.md 6.1):
      // each attempt starts a fresh endpoint, as a host process restarting.
      if (attempt % 3 == 0) {
        endpoint_ = std::make_unique<proxy::LinkEndpoint>(proxy::EndpointConfig{}, Clock::now());
      }
      endpoint_->send(hello);
      const auto deadline = Clock::now() + std::chrono::milliseconds(250);
      while (!answer && Clock::now() < deadline) {
        pump(std::chrono::milliseconds(10));
        answer = take(
            [](const Received& got) { return got.header.type == proxy::FrameType::hello_ack; });
      }
    }
    REQUIRE(answer);
    hello_ack_ = std::move(*answer);
    const auto ack = std::get<proxy::HelloAck>(hello_ack_.message());
    proxy::PeerLink peer;
    peer.rx_win = ack.rx_win;
    peer.mtu = ack.mtu;
    peer.max_message = ack.max_msg;
    endpoint_->start_session(peer, Clock::now());
    return ack;
  }

  // Sends a call and returns its RESULT.
  proxy::Result call(const proxy::Message& message, std::uint8_t sock = 0) {
    const std::uint16_t req = next_req_++;
    endpoint_->send(message, req, sock);
    last_result_ = expect_result(req);
    return std::get<proxy::Result>(last_result_.message());
  }

  void write_raw(std::string_view bytes) {
    while (!bytes.empty())
      bytes.remove_prefix(link_.write_some(bytes, usock::Wait::forever()));
  }

  void pump(std::chrono::milliseconds slice) {
    auto now = Clock::now();
    while (true) {
      const auto out = endpoint_->output(now);
      if (out.empty()) break;
      endpoint_->wrote(link_.write_some(out, usock::Wait::forever()), now);
    }
    char buffer[8192];
    try {
      const std::size_t got = link_.read_some(buffer, usock::Wait::until(Clock::now() + slice));
      now = Clock::now();
      endpoint_->receive(std::string_view(buffer, got), now);
    } catch (const usock::OSError& error) {
      if (error.code() != ETIMEDOUT && error.code() != EAGAIN) throw;
      now = Clock::now();
    }
    if (now >= endpoint_->next_timer()) endpoint_->on_timer(now);
    proxy::LinkEndpoint::Event event;
    while (endpoint_->next_event(event)) {
      if (event.kind == proxy::LinkEndpoint::Event::Kind::message) {
        received_.push_back(Received{event.header, event.payload});
      } else if (event.kind == proxy::LinkEndpoint::Event::Kind::console) {
        console_.push_back(event.text);
      }
    }
  }

 private:
  static usock::LinkAddress address_of(const std::string& device) {
    usock::LinkAddress address;
    address.path = device;
    return address;
  }

  usock::Link link_;
  std::unique_ptr<proxy::LinkEndpoint> endpoint_;
  std::deque<Received> received_;
  std::deque<std::string> console_;
  Received hello_ack_;
  Received last_result_;
  std::uint16_t next_req_ = 1;
};

proxy::SocketCall tcp_socket() {
  return proxy::SocketCall{static_cast<std::uint8_t>(usock::Family::inet),
                           static_cast<std::uint8_t>(usock::SockType::stream), 0};
}

usock::SockAddr loopback(std::uint16_t port) {
  return usock::SockAddr::from_numeric("127.0.0.1", port);
}

usock::SockAddr result_address(const proxy::Result& result, proxy::FrameType call) {
  return std::get<proxy::AddressResult>(proxy::decode_result_body(call, result.body)).addr;
}

std::string data_of(const Received& got) {
  return std::string(std::get<proxy::Data>(got.message()).bytes);
}

}  // namespace

TEST_CASE("uboard --pty prints the pseudo-terminal's path as the first line", "[uboard]") {
  Board board;
  CHECK(board.device().rfind("/dev/pts/", 0) == 0);
  CHECK(board.process().out().rfind(board.device() + "\n", 0) == 0);
}

TEST_CASE("uboard announces itself and answers HELLO with its HELLO_ACK", "[uboard]") {
  Board board;
  ScriptedHost host(board.device());
  const auto announce = std::get<proxy::Announce>(
      host.expect_type(proxy::FrameType::announce, std::chrono::seconds(2)).message());
  CHECK(announce.vmin == 1);
  CHECK(announce.vmax == 1);

  const auto ack = host.hello();
  CHECK(ack.version == 1);
  CHECK(ack.nonce == 0x5EED1234);
  CHECK(ack.boot_id == announce.boot_id);
  CHECK(ack.rx_win == 16384);
  CHECK(ack.rx_safe == 16384);
  CHECK(ack.mtu == 4096);
  CHECK(ack.txw == 32);
  CHECK(ack.max_sockets == 64);
  CHECK(ack.sock_buf == 65536);
  CHECK(ack.max_msg == 65535);
  CHECK(ack.max_block_ms == 0);
  CHECK(ack.caps == 0x1FFF);
  CHECK(ack.baud == 0);
  CHECK(ack.platform == "uboard");
  CHECK(ack.impl.rfind("usock ", 0) == 0);
  CHECK(ack.agent == "uboard 1");
  CHECK_FALSE(ack.machine.empty());
}

TEST_CASE("uboard answers a sequenced frame without a session with RESET NO_SESSION", "[uboard]") {
  Board board;
  ScriptedHost host(board.device());
  host.expect_type(proxy::FrameType::announce);
  proxy::Header header;
  header.type = proxy::FrameType::close;
  header.req = 1;
  header.sock = 1;
  std::string frame(1, '\0');
  proxy::encode_frame(header, {}, frame);
  host.write_raw(frame);
  const auto reset = std::get<proxy::Reset>(host.expect_type(proxy::FrameType::reset).message());
  CHECK(reset.reason == proxy::ResetReason::no_session);
  CHECK(reset.boot_id != 0);
}

TEST_CASE("uboard resolves a numeric host through GETADDRINFO", "[uboard]") {
  Board board;
  ScriptedHost host(board.device());
  host.hello();
  proxy::GetAddrInfoCall call;
  call.host = "127.0.0.1";
  call.port = 80;
  call.family = static_cast<std::uint8_t>(usock::Family::inet);
  call.socktype = static_cast<std::uint8_t>(usock::SockType::stream);
  const auto result = host.call(call);
  REQUIRE(result.code == 0);
  const auto body = std::get<proxy::AddrInfoResult>(
      proxy::decode_result_body(proxy::FrameType::getaddrinfo, result.body));
  REQUIRE(body.entries.size() == 1);
  CHECK(body.entries[0].addr == loopback(80));

  call.host = "no-such-host.invalid";
  CHECK(host.call(call).code < 0);
}

TEST_CASE("uboard connects a socket and carries DATA both ways, then EOF", "[uboard]") {
  usock::NativeStack stack;
  auto listener = stack.socket();
  listener.bind(loopback(0));
  listener.listen(1);
  const auto port = listener.getsockname().port();

  Board board;
  ScriptedHost host(board.device());
  host.hello();
  REQUIRE(host.call(tcp_socket(), 1).code == 0);
  const auto connected = host.call(proxy::ConnectCall{loopback(port)}, 1);
  REQUIRE(connected.code == 0);
  CHECK(result_address(connected, proxy::FrameType::connect).host() == "127.0.0.1");

  auto [conn, peer] = listener.accept();
  conn.settimeout(5.0);
  host.endpoint().send(proxy::Data{std::nullopt, "hello, board"}, 0, 1);
  host.pump(std::chrono::milliseconds(50));
  CHECK(conn.read(12) == "hello, board");

  conn.sendall("hello, host");
  const auto back = host.expect([](const Received& got) {
    return got.header.type == proxy::FrameType::data && got.header.sock == 1;
  });
  CHECK(data_of(back) == "hello, host");

  conn.close();
  host.expect([](const Received& got) {
    return got.header.type == proxy::FrameType::eof && got.header.sock == 1;
  });
  CHECK(host.call(proxy::CloseCall{}, 1).code == 0);
  CHECK(host.call(proxy::GetSockNameCall{}, 1).code == EBADF);
}

TEST_CASE("uboard reports a refused CONNECT as ECONNREFUSED", "[uboard]") {
  usock::NativeStack stack;
  std::uint16_t port = 0;
  {
    auto probe = stack.socket();
    probe.bind(loopback(0));
    port = probe.getsockname().port();
  }
  Board board;
  ScriptedHost host(board.device());
  host.hello();
  REQUIRE(host.call(tcp_socket(), 3).code == 0);
  const auto result = host.call(proxy::ConnectCall{loopback(port)}, 3);
  CHECK(result.code == ECONNREFUSED);
  CHECK_FALSE(result.text.empty());
}

TEST_CASE("uboard pushes ACCEPTED for connections to a listening socket", "[uboard]") {
  Board board;
  ScriptedHost host(board.device());
  host.hello();
  REQUIRE(host.call(tcp_socket(), 2).code == 0);
  const auto bound = host.call(proxy::BindCall{loopback(0)}, 2);
  REQUIRE(bound.code == 0);
  const auto address = result_address(bound, proxy::FrameType::bind);
  REQUIRE(address.port() != 0);
  REQUIRE(host.call(proxy::ListenCall{4}, 2).code == 0);

  usock::NativeStack stack;
  auto client = stack.socket();
  client.settimeout(5.0);
  client.connect(address);
  const auto accepted =
      std::get<proxy::Accepted>(host.expect_type(proxy::FrameType::accepted).message());
  CHECK(accepted.sock >= 128);
  CHECK(accepted.peer == client.getsockname());
  CHECK(accepted.local == address);

  client.sendall("ping");
  const auto data = host.expect([&](const Received& got) {
    return got.header.type == proxy::FrameType::data && got.header.sock == accepted.sock;
  });
  CHECK(data_of(data) == "ping");
}

TEST_CASE("uboard keeps its session through garbage between frames", "[uboard]") {
  Board board;
  ScriptedHost host(board.device());
  host.hello();
  host.write_raw(std::string("\0MPY: soft reboot\r\n\x01\x02\xff\xfe garbage \x7f\0", 30));
  host.write_raw(std::string(300, '\x55'));
  host.write_raw(std::string(1, '\0'));
  REQUIRE(host.call(tcp_socket(), 5).code == 0);
  CHECK(host.call(proxy::GetSockNameCall{}, 5).code == 0);
}

TEST_CASE("uboard --reset-after prints a boot console and announces a new boot id", "[uboard]") {
  Board board({"--reset-after", "3000"});
  ScriptedHost host(board.device());
  const auto first = host.hello().boot_id;
  // Calls until the wire has carried 3000 bytes and the board resets.
  proxy::GetAddrInfoCall call;
  call.host = "127.0.0.1";
  call.port = 80;
  std::uint32_t second = first;
  for (int round = 0; round < 100 && second == first; ++round) {
    const std::uint16_t req = static_cast<std::uint16_t>(1000 + round);
    host.endpoint().send(call, req);
    const auto got = host.expect([req](const Received& message) {
      return message.header.type == proxy::FrameType::announce ||
             (message.header.type == proxy::FrameType::result && message.header.req == req);
    });
    if (got.header.type == proxy::FrameType::announce) {
      second = std::get<proxy::Announce>(got.message()).boot_id;
    }
  }
  CHECK(second != first);
  bool reset_seen = false;
  for (const auto& line : host.console())
    reset_seen = reset_seen || line.find("rst:0x1 (POWERON_RESET)") != std::string::npos;
  CHECK(reset_seen);
}

TEST_CASE("uboard serves a second host that opens the pty after the first left", "[uboard]") {
  Board board;
  {
    ScriptedHost first(board.device());
    first.hello(1);
    REQUIRE(first.call(tcp_socket(), 1).code == 0);
  }
  ScriptedHost second(board.device());
  const auto ack = second.hello(2);
  CHECK(ack.nonce == 2);
  // The new HELLO replaced the session and closed the first host's socket.
  CHECK(second.call(tcp_socket(), 1).code == 0);
}

namespace {

// Echoes `size` bytes through a board connection to a native peer and
// returns what came back, the host granting credit as it reads.
std::string echo_through(ScriptedHost& host, std::size_t size) {
  usock::NativeStack stack;
  auto listener = stack.socket();
  listener.bind(loopback(0));
  listener.listen(1);
  REQUIRE(host.call(tcp_socket(), 1).code == 0);
  REQUIRE(host.call(proxy::ConnectCall{loopback(listener.getsockname().port())}, 1).code == 0);
  auto [conn, peer] = listener.accept();
  conn.settimeout(0.0);

  std::string sent(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    sent[i] = static_cast<char>((i * 131 + i / 7) & 0xFF);
  std::uint32_t limit = 65536;  // the board's sock_buf
  std::size_t offset = 0;
  std::string echoed;
  std::string at_peer;
  std::uint32_t window_base = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (echoed.size() < size && Clock::now() < deadline) {
    while (offset < size && offset < limit && host.endpoint().backlog_bytes() < 16384) {
      const std::size_t chunk = std::min<std::size_t>({4000, size - offset, limit - offset});
      host.endpoint().send(proxy::Data{std::nullopt, std::string_view(sent).substr(offset, chunk)},
                           0, 1);
      offset += chunk;
    }
    host.pump(std::chrono::milliseconds(5));
    try {
      at_peer += conn.recv(65536);
    } catch (const usock::OSError&) {
    }
    if (!at_peer.empty()) at_peer.erase(0, conn.send(at_peer));
    while (const auto got = host.take([](const Received& message) {
      return message.header.sock == 1 && (message.header.type == proxy::FrameType::data ||
                                          message.header.type == proxy::FrameType::window);
    })) {
      if (got->header.type == proxy::FrameType::window) {
        limit = std::get<proxy::Window>(got->message()).limit;
        continue;
      }
      const auto data = std::get<proxy::Data>(got->message());
      if (data.limit) limit = *data.limit;
      echoed += data.bytes;
    }
    if (echoed.size() - window_base >= 16384) {
      window_base = static_cast<std::uint32_t>(echoed.size());
      host.endpoint().send(proxy::Window{window_base + 65536}, 0, 1);
    }
  }
  INFO("sent " << offset << " limit " << limit << " at peer " << at_peer.size());
  CHECK(echoed.size() == size);
  return echoed == sent ? "intact" : "damaged";
}

}  // namespace

// May fail: in a full ctest run the link sometimes stalls with the host's
// backlog unacknowledged (about 244 000 of 262 144 bytes sent); under study.
TEST_CASE("uboard echoes 256 KiB intact through its socket credit", "[uboard]") {
  Board board;
  ScriptedHost host(board.device());
  host.hello();
  CHECK(echo_through(host, 256 * 1024) == "intact");
}

TEST_CASE("uboard --noise damages the line and the data still arrives intact", "[uboard]") {
  Board board({"--noise", "0.005", "--seed", "7"});
  ScriptedHost host(board.device());
  host.hello();
  CHECK(echo_through(host, 64 * 1024) == "intact");
  CHECK(host.endpoint().stats().naks_received + host.endpoint().stats().timeouts > 0);
}

TEST_CASE("uboard --baud paces the line as a UART would", "[uboard]") {
  Board board({"--baud", "115200"});
  ScriptedHost host(board.device());
  CHECK(host.hello().baud == 115200);
  const auto start = Clock::now();
  CHECK(echo_through(host, 32 * 1024) == "intact");
  // 32 KiB each way at 11 520 bytes/s cannot take less than 2.8 s.
  const std::chrono::duration<double> elapsed = Clock::now() - start;
  CHECK(elapsed.count() > 2.8);
  CHECK(elapsed.count() < 15);
}
