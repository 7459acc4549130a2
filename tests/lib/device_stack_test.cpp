// DeviceStack against a scripted board on a real pseudo-terminal: the
// handshake, calls and their results, data pushed and sent within credit,
// the Wait semantics, and every way a session ends (device reset, silence,
// console markers). Every wait is bounded; no test measures time.
#include "usock/device_stack.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include "error_code.hpp"
#include "scripted_board.hpp"
#include "usock/link_error.hpp"

using namespace usock;
using namespace std::chrono_literals;
using proxy::FrameType;
using usock::test::error_code;
using usock::test::Incoming;
using usock::test::ScriptedBoard;

namespace {

constexpr auto kBound = 20s;

std::unique_ptr<DeviceStack> open_on(const ScriptedBoard& board) {
  std::string error;
  const auto address = parse_link_uri(board.path(), error);
  REQUIRE(address);
  DeviceOptions options;
  options.tool = "device_stack_test";
  options.dead_after = 1000ms;
  return DeviceStack::open(*address, options);
}

// The kind of the LinkError `call` raises; fails the test when it raises
// nothing or something else.
template <class Call>
LinkError::Kind link_error_kind(Call&& call) {
  try {
    call();
  } catch (const LinkError& error) {
    INFO(error.what());
    return error.kind();
  }
  FAIL("no LinkError");
  return LinkError::Kind::lost;
}

// A connected TCP socket on the board, and its id there.
struct Client {
  Socket socket;
  std::uint8_t id;
};

Client connected(Stack& stack, ScriptedBoard& board) {
  Socket s = stack.socket();
  s.connect(SockAddr::ipv4({93, 184, 215, 14}, 80));
  return {std::move(s), board.await(FrameType::socket).header.sock};
}

// Holds what the process writes to stdout (fd 1) in a file, until it ends.
class StdoutCapture {
 public:
  StdoutCapture() : saved_(::dup(1)), file_(::mkstemp(path_)) {
    REQUIRE(saved_ >= 0);
    REQUIRE(file_ >= 0);
    std::fflush(stdout);
    ::dup2(file_, 1);
  }
  ~StdoutCapture() {
    std::fflush(stdout);
    ::dup2(saved_, 1);
    ::close(saved_);
    ::close(file_);
    ::unlink(path_);
  }
  StdoutCapture(const StdoutCapture&) = delete;
  StdoutCapture& operator=(const StdoutCapture&) = delete;
  long size() const {
    std::fflush(stdout);
    return static_cast<long>(::lseek(file_, 0, SEEK_END));
  }

 private:
  char path_[32] = "/tmp/usock-stdout-XXXXXX";
  int saved_;
  int file_;
};

}  // namespace

TEST_CASE("device stack: the handshake names the board") {
  ScriptedBoard board;
  auto stack = open_on(board);
  std::string uri_error;
  CHECK(stack->description() == "scripted @ " + parse_link_uri(board.path(), uri_error)->text());
  const auto properties = stack->properties();
  CHECK(std::find(properties.begin(), properties.end(),
                  std::pair<std::string, std::string>("platform", "scripted")) != properties.end());
  stack->finish(Wait::until(Clock::now() + kBound));
  board.await(FrameType::bye);
}

TEST_CASE("device stack: getaddrinfo resolves service names on the host") {
  ScriptedBoard board;
  auto stack = open_on(board);
  const auto infos = stack->getaddrinfo("example.com", "http");
  REQUIRE(infos.size() == 1);
  CHECK(infos[0].addr == SockAddr::ipv4({93, 184, 215, 14}, 80));
  CHECK(infos[0].type == SockType::stream);
  const Incoming sent = board.await(FrameType::getaddrinfo);
  const auto call = std::get<proxy::GetAddrInfoCall>(sent.message());
  CHECK(call.host == std::optional<std::string_view>("example.com"));
  CHECK(call.port == std::optional<std::uint16_t>(80));
}

TEST_CASE("device stack: an empty getaddrinfo answer is EAI_NONAME") {
  ScriptedBoard board;
  board.set_handler([&](const Incoming& call) {
    if (call.header.type == FrameType::getaddrinfo)
      return board.result(call, 0, proxy::AddrInfoResult{});
    board.answer_success(call);
  });
  auto stack = open_on(board);
  CHECK(error_code([&] { stack->getaddrinfo("nowhere.invalid", "80"); }) == eai::noname);
}

TEST_CASE("device stack: a client sends and receives with no round trip per call") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Client client = connected(*stack, board);
  Socket& s = client.socket;
  const std::uint8_t id = client.id;
  CHECK(s.getpeername() == SockAddr::ipv4({93, 184, 215, 14}, 80));
  CHECK(s.getsockname() == SockAddr::ipv4({10, 0, 0, 2}, 40000));
  CHECK(s.getsocketsta() == TcpState::established);

  CHECK(s.send("GET / HTTP/1.0\r\n\r\n") == 18);
  const Incoming sent = board.await(FrameType::data);
  const auto data = std::get<proxy::Data>(sent.message());
  CHECK(data.bytes == "GET / HTTP/1.0\r\n\r\n");

  board.send(proxy::Data{std::nullopt, "HTTP/1.0 200 OK\r\n"}, 0, id);
  board.send(proxy::Eof{}, 0, id);
  s.settimeout(20.0);
  CHECK(s.readline() == "HTTP/1.0 200 OK\r\n");
  CHECK(s.recv(100).empty());
  CHECK(s.getsocketsta() == TcpState::close_wait);
  s.close();
  board.await(FrameType::close);
  stack->finish(Wait::until(Clock::now() + kBound));
}

TEST_CASE("device stack: recv without data raises EAGAIN or ETIMEDOUT") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Client client = connected(*stack, board);
  Socket& s = client.socket;
  s.settimeout(0);
  CHECK(error_code([&] { s.recv(10); }) == EAGAIN);
  s.settimeout(0.05);
  CHECK(error_code([&] { s.recv(10); }) == ETIMEDOUT);
}

TEST_CASE("device stack: send stops at the board's credit until WINDOW") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Client client = connected(*stack, board);
  Socket& s = client.socket;
  const std::uint8_t id = client.id;
  s.settimeout(0);
  const std::string big(3000, 'x');
  CHECK(s.send(big) == ScriptedBoard::kSockBuf);
  CHECK(error_code([&] { s.send(big); }) == EAGAIN);
  board.send(proxy::Window{ScriptedBoard::kSockBuf + 500}, 0, id);
  s.settimeout(20.0);
  CHECK(s.send(big) == 500);
}

TEST_CASE("device stack: a non-blocking connect completes later") {
  ScriptedBoard board;
  std::promise<Incoming> connect_call;
  board.set_handler([&](const Incoming& call) {
    if (call.header.type == FrameType::connect) return connect_call.set_value(call);
    board.answer_success(call);
  });
  auto stack = open_on(board);
  Socket s = stack->socket();
  s.settimeout(0);
  CHECK(error_code([&] { s.connect(SockAddr::ipv4({10, 0, 0, 1}, 80)); }) == EINPROGRESS);
  CHECK(error_code([&] { s.connect(SockAddr::ipv4({10, 0, 0, 1}, 80)); }) == EALREADY);
  Poller poller = stack->poll();
  poller.add(s, pollev::out, 7);
  CHECK(poller.poll(0).empty());
  board.result(connect_call.get_future().get(), ECONNREFUSED);
  const auto& ready = poller.poll(20000);
  REQUIRE(ready.size() == 1);
  CHECK((ready[0].events & pollev::out) != 0);
  CHECK(s.getsockopt_int(sol::socket, so::error) == ECONNREFUSED);
}

TEST_CASE("device stack: a connect past its deadline is cancelled") {
  ScriptedBoard board;
  board.set_handler([&](const Incoming& call) {
    if (call.header.type != FrameType::connect) board.answer_success(call);
  });
  auto stack = open_on(board);
  Socket s = stack->socket();
  s.settimeout(0.1);
  CHECK(error_code([&] { s.connect(SockAddr::ipv4({10, 0, 0, 1}, 80)); }) == ETIMEDOUT);
  const auto cancel = board.await(FrameType::cancel);
  CHECK(cancel.header.req == board.await(FrameType::connect).header.req);
  CHECK(error_code([&] { s.connect(SockAddr::ipv4({10, 0, 0, 1}, 80)); }) == ETIMEDOUT);
}

TEST_CASE("device stack: a failed setsockopt is raised by the next operation") {
  ScriptedBoard board;
  board.set_handler([&](const Incoming& call) {
    if (call.header.type == FrameType::setsockopt) return board.result(call, ENOPROTOOPT);
    board.answer_success(call);
  });
  auto stack = open_on(board);
  Socket s = stack->socket();
  s.setsockopt(sol::tcp, tcpopt::keepcnt, 3);
  board.await(FrameType::setsockopt);
  CHECK(error_code([&] { s.bind(SockAddr::ipv4({0, 0, 0, 0}, 0)); }) == ENOPROTOOPT);
}

TEST_CASE("device stack: a server accepts connections the board pushed") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Socket listener = stack->socket();
  listener.bind(SockAddr::ipv4({0, 0, 0, 0}, 8080));
  listener.listen(2);
  const std::uint8_t listener_id = board.await(FrameType::listen).header.sock;
  const auto peer = SockAddr::ipv4({192, 168, 1, 9}, 51000);
  board.send(proxy::Accepted{130, peer, SockAddr::ipv4({192, 168, 1, 2}, 8080)}, 0, listener_id);
  board.send(proxy::Data{std::nullopt, "hello"}, 0, 130);
  listener.settimeout(20.0);
  auto [conn, from] = listener.accept();
  CHECK(from == peer);
  conn.settimeout(20.0);
  CHECK(conn.recv(100) == "hello");
  CHECK(conn.getsocketsta() == TcpState::established);
  // Taking the only waiting connection returns the accept credit.
  CHECK(std::get<proxy::Window>(board.await(FrameType::window).message()).limit == 5);
}

TEST_CASE("device stack: datagrams travel with their addresses") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Socket s = stack->socket(Family::inet, SockType::dgram);
  const auto to = SockAddr::ipv4({10, 0, 0, 7}, 5353);
  CHECK(s.sendto("ping", to) == 4);
  const Incoming sent = board.await(FrameType::dgram);
  const auto dgram = std::get<proxy::Dgram>(sent.message());
  CHECK(dgram.addr == to);
  CHECK(dgram.bytes == "ping");
  board.send(proxy::Dgram{std::nullopt, to, "pong"}, 0, sent.header.sock);
  s.settimeout(20.0);
  const auto [bytes, from] = s.recvfrom(100);
  CHECK(bytes == "pong");
  CHECK(from == to);
}

TEST_CASE("device stack: a device reset fails a waiting call at once") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Client client = connected(*stack, board);
  Socket& s = client.socket;
  auto waiting =
      std::async(std::launch::async, [&] { return link_error_kind([&] { s.recv(10); }); });
  board.send(proxy::Reset{proxy::ResetReason::no_session, ScriptedBoard::kBootId + 1, ""});
  REQUIRE(waiting.wait_for(kBound) == std::future_status::ready);
  CHECK(waiting.get() == LinkError::Kind::reset);
  // Every later operation fails the same way.
  CHECK(link_error_kind([&] { s.send("x"); }) == LinkError::Kind::reset);
  CHECK(link_error_kind([&] { stack->finish(Wait::forever()); }) == LinkError::Kind::reset);
}

TEST_CASE("device stack: an ANNOUNCE with a new boot id is a reset") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Client client = connected(*stack, board);
  Socket& s = client.socket;
  board.send(proxy::Announce{1, 1, ScriptedBoard::kBootId ^ 0xFFFF});
  s.settimeout(20.0);
  CHECK(link_error_kind([&] { s.recv(10); }) == LinkError::Kind::reset);
}

TEST_CASE("device stack: a silent device means the link is lost") {
  ScriptedBoard board;
  auto stack = open_on(board);
  board.go_silent();
  CHECK(link_error_kind([&] { stack->getaddrinfo("example.com", "80"); }) == LinkError::Kind::lost);
}

TEST_CASE("device stack: a reset marker the agent does not confirm ends the session") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Client client = connected(*stack, board);
  Socket& s = client.socket;
  board.write_console("ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13\r\n");
  board.go_silent();
  s.settimeout(20.0);
  CHECK(link_error_kind([&] { s.recv(10); }) == LinkError::Kind::reset);
}

TEST_CASE("device stack: a reset marker the agent answers is only a warning") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Client client = connected(*stack, board);
  Socket& s = client.socket;
  const std::uint8_t id = client.id;
  board.write_console("MPY: soft reboot\r\n");
  // The session goes on: a call after the confirmation window still works.
  std::this_thread::sleep_for(500ms);
  board.send(proxy::Data{std::nullopt, "still here"}, 0, id);
  s.settimeout(20.0);
  CHECK(s.recv(100) == "still here");
  CHECK(stack->getaddrinfo("example.com", "80").size() == 1);
}

TEST_CASE("device stack: no agent on the line is a handshake error") {
  Pty pty;
  std::string error;
  const auto address = parse_link_uri(pty.path(), error);
  REQUIRE(address);
  DeviceOptions options;
  options.announce_timeout = 200ms;
  options.inject = false;
  CHECK(link_error_kind([&] { DeviceStack::open(*address, options); }) ==
        LinkError::Kind::handshake);
}

TEST_CASE("device stack: a missing device path is not_found") {
  std::string error;
  const auto address = parse_link_uri("/dev/usock-no-such-port", error);
  REQUIRE(address);
  CHECK(link_error_kind([&] { DeviceStack::open(*address, {}); }) == LinkError::Kind::not_found);
}

TEST_CASE("device stack: a socket that outlives its stack fails instead of waiting") {
  ScriptedBoard board;
  auto stack = open_on(board);
  Client client = connected(*stack, board);
  Socket& s = client.socket;
  // The stack's destructor hands the board back (BYE): the session ended.
  stack.reset();
  CHECK(error_code([&] { s.recv(10); }) == ENOTCONN);
  // close() never throws, even now.
  s.close();
}

TEST_CASE("device stack: a program that set no logger hears nothing from it on stdout") {
  // spdlog's own default logger writes info lines to stdout, the program's
  // output: the handshake's line about the board must not land there.
  long written = -1;
  {
    StdoutCapture capture;
    ScriptedBoard board;
    auto stack = open_on(board);
    stack->finish(Wait::until(Clock::now() + kBound));
    board.await(FrameType::bye);
    written = capture.size();
  }
  CHECK(written == 0);
}
