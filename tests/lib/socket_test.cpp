// Socket: the usocket API on real loopback sockets of this host's kernel,
// over IPv4 and IPv6. Peers run in the same test, on a thread when a call
// must block while the other side acts; every wait is bounded by kBound.
#include "usock/socket.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <string>
#include <thread>

#include "error_code.hpp"
#include "loopback.hpp"
#include "usock/native_stack.hpp"

using namespace usock;
using namespace std::chrono_literals;
using usock::test::connected_pair;
using usock::test::error_code;
using usock::test::kBound;
using usock::test::listener;
using usock::test::loopback;
using usock::test::Pair;

namespace {

// Bytes that are not all alike, so a lost or reordered chunk shows.
std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return out;
}

std::string int_bytes(int value) {
  std::string out(sizeof value, '\0');
  std::memcpy(out.data(), &value, sizeof value);
  return out;
}

// Gives a blocked reader on the other thread time to take what came so far,
// so the next piece arrives in a separate recv. Correctness never depends on it.
void let_reader_wait() {
  std::this_thread::sleep_for(50ms);
}

}  // namespace

TEST_CASE("TCP: bind, listen, connect, accept and talk both ways") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Socket server = listener(stack, family);
  const SockAddr where = server.getsockname();
  CHECK(where.family() == family);
  CHECK(where.host() == loopback(family).host());
  CHECK(where.port() != 0);  // the kernel picked one

  Socket client = stack.socket(family, SockType::stream, 0, "client");
  client.settimeout(kBound);
  client.connect(where);
  auto accepted = server.accept();
  Socket& conn = accepted.first;
  conn.settimeout(kBound);
  CHECK(conn.name() == "conn");
  CHECK(accepted.second == client.getsockname());
  CHECK(conn.getpeername() == client.getsockname());
  CHECK(client.getpeername() == where);

  client.sendall("Hello, world");
  CHECK(conn.read(12) == "Hello, world");
  conn.sendall("Hello back");
  CHECK(client.read(10) == "Hello back");
}

TEST_CASE("TCP: connecting to a port nobody listens on raises ECONNREFUSED") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  // Bound but not listening: the port stays ours and refuses connections.
  Socket holder = stack.socket(family);
  holder.bind(loopback(family));
  Socket client = stack.socket(family);
  client.settimeout(kBound);
  CHECK(error_code([&] { client.connect(holder.getsockname()); }) == ECONNREFUSED);
}

TEST_CASE("TCP: binding an address in use raises EADDRINUSE, binding twice EINVAL") {
  NativeStack stack;
  Socket server = listener(stack, Family::inet);
  Socket other = stack.socket();
  CHECK(error_code([&] { other.bind(server.getsockname()); }) == EADDRINUSE);
  CHECK(error_code([&] { server.bind(loopback(Family::inet)); }) == EINVAL);
}

TEST_CASE("listen takes a negative backlog as 0") {
  NativeStack stack;
  Socket server = stack.socket();
  server.bind(loopback(Family::inet));
  CHECK_NOTHROW(server.listen(-5));
  CHECK(server.getsocketsta() == TcpState::listen);
}

TEST_CASE("UDP: sendto and recvfrom carry datagrams and the sender's address") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Socket a = stack.socket(family, SockType::dgram, 0, "a");
  Socket b = stack.socket(family, SockType::dgram, 0, "b");
  a.bind(loopback(family));
  b.bind(loopback(family));
  a.settimeout(kBound);
  b.settimeout(kBound);

  CHECK(a.sendto("first", b.getsockname()) == 5);
  CHECK(a.sendto("second", b.getsockname()) == 6);
  const auto [data, from] = b.recvfrom(100);
  CHECK(data == "first");  // one datagram per call, boundaries kept
  CHECK(from == a.getsockname());
  // A datagram longer than the buffer is cut; its rest is gone.
  CHECK(b.recvfrom(3).first == "sec");
  CHECK(b.sendto("", a.getsockname()) == 0);
  CHECK(a.recv(10).empty());  // an empty datagram, not EOF
}

TEST_CASE("UDP: a connected socket uses send and recv") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Socket a = stack.socket(family, SockType::dgram);
  Socket b = stack.socket(family, SockType::dgram);
  a.bind(loopback(family));
  b.bind(loopback(family));
  b.settimeout(kBound);
  a.connect(b.getsockname());
  CHECK(a.send("ping") == 4);
  CHECK(b.recv(16) == "ping");
}

TEST_CASE("send may be short while sendall and write send everything") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Pair pair = connected_pair(stack, family);
  // More than the socket buffers of both ends can ever hold.
  const std::string big = pattern(32 << 20);
  pair.client.setsockopt(sol::socket, so::sndbuf, 4096);

  SECTION("send is one transfer") {
    const std::size_t sent = pair.client.send(big);
    CHECK(sent > 0);
    CHECK(sent < big.size());
    CHECK(pair.server.read(sent) == big.substr(0, sent));
  }
  SECTION("sendall loops until all is sent") {
    const std::string data = pattern(4 << 20);
    auto reader = std::async(std::launch::async,
                             [&server = pair.server, &data] { return server.read(data.size()); });
    pair.client.sendall(data);
    CHECK(reader.get() == data);
  }
  SECTION("write makes no short writes on a blocking socket") {
    const std::string data = pattern(4 << 20);
    auto reader = std::async(std::launch::async,
                             [&server = pair.server, &data] { return server.read(data.size()); });
    CHECK(pair.client.write(data) == data.size());
    CHECK(reader.get() == data);
  }
  SECTION("on a non-blocking socket write returns what fit, send raises EAGAIN when full") {
    pair.client.settimeout(0);
    const std::size_t written = pair.client.write(big);
    CHECK(written > 0);
    CHECK(written < big.size());
    CHECK(pair.client.write("more") == 0);
    CHECK(error_code([&] { pair.client.send("more"); }) == EAGAIN);
    CHECK(error_code([&] { pair.client.send("more", msg::dontwait); }) == EAGAIN);
  }
}

TEST_CASE("recv returns at most bufsize, then empty at EOF") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Pair pair = connected_pair(stack, family);
  pair.client.sendall("abcdef");
  CHECK(pair.server.recv(4) == "abcd");
  CHECK(pair.server.recv(10) == "ef");
  pair.client.close();
  CHECK(pair.server.recv(10).empty());
  CHECK(pair.server.recv(10).empty());  // and stays so
}

TEST_CASE("read() reads everything until EOF") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  const std::string data = pattern(300000);  // several of read()'s 64 KiB chunks
  auto writer = std::async(std::launch::async, [&client = pair.client, &data] {
    for (std::size_t at = 0; at < data.size(); at += 50000)
      client.sendall(data.substr(at, 50000));
    client.close();
  });
  CHECK(pair.server.read() == data);
  writer.get();
}

TEST_CASE("read(n) makes no short reads across several sends") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Pair pair = connected_pair(stack, family);
  pair.client.sendall("ab");
  auto writer = std::async(std::launch::async, [&client = pair.client] {
    let_reader_wait();
    client.sendall("cd");
    let_reader_wait();
    client.sendall("efgh");
  });
  CHECK(pair.server.read(6) == "abcdef");
  writer.get();
  CHECK(pair.server.recv(10) == "gh");
}

TEST_CASE("read(n) stops early only at EOF") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  pair.client.sendall("abc");
  pair.client.close();
  CHECK(pair.server.read(10) == "abc");
  CHECK(pair.server.read(10).empty());
  CHECK(pair.server.read(0).empty());
}

TEST_CASE("readinto fills the buffer, or nbytes of it") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  pair.client.sendall("0123456789A");
  std::string buffer(8, '.');
  CHECK(pair.server.readinto(buffer, 3) == 3);
  CHECK(buffer == "012.....");
  CHECK(pair.server.readinto(buffer) == 8);
  CHECK(buffer == "3456789A");
  // nbytes past the buffer is cut to the buffer.
  pair.client.sendall("abcdefghij");
  CHECK(pair.server.readinto(buffer, 100) == 8);
  CHECK(buffer == "abcdefgh");
  pair.client.close();
  CHECK(pair.server.readinto(buffer) == 2);  // short only at EOF
  CHECK(buffer.substr(0, 2) == "ij");
}

TEST_CASE("readline reads one line and leaves the next for recv") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Pair pair = connected_pair(stack, family);
  pair.client.sendall("line one\nline two\nrest");
  CHECK(pair.server.readline() == "line one\n");
  CHECK(pair.server.recv(100) == "line two\nrest");
}

TEST_CASE("readline gathers a line from several sends and past its peek size") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  const std::string long_line = std::string(10000, 'x') + "\n";
  pair.client.sendall("par");
  auto writer = std::async(std::launch::async, [&client = pair.client, &long_line] {
    let_reader_wait();
    client.sendall("tial\n");
    client.sendall(long_line + "next");
  });
  CHECK(pair.server.readline() == "partial\n");
  CHECK(pair.server.readline() == long_line);
  writer.get();
  CHECK(pair.server.read(4) == "next");
}

TEST_CASE("readline returns what is left at EOF, then empty") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  pair.client.sendall("a\ntail");
  pair.client.close();
  CHECK(pair.server.readline() == "a\n");
  CHECK(pair.server.readline() == "tail");
  CHECK(pair.server.readline().empty());
}

TEST_CASE("MSG_PEEK leaves the data queued and MSG_DONTWAIT never blocks") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Pair pair = connected_pair(stack, family);
  // The socket is blocking (timeout kBound), the flag alone makes it not wait.
  CHECK(error_code([&] { pair.server.recv(5, msg::dontwait); }) == EAGAIN);
  pair.client.sendall("hello");
  CHECK(pair.server.recv(5, msg::peek) == "hello");
  CHECK(pair.server.recv(5, msg::peek | msg::dontwait) == "hello");
  CHECK(pair.server.recv(5, msg::dontwait) == "hello");
  CHECK(error_code([&] { pair.server.recv(5, msg::dontwait); }) == EAGAIN);
}

TEST_CASE("UDP recvfrom honours MSG_PEEK and MSG_DONTWAIT") {
  NativeStack stack;
  Socket a = stack.socket(Family::inet, SockType::dgram);
  Socket b = stack.socket(Family::inet, SockType::dgram);
  a.bind(loopback(Family::inet));
  b.bind(loopback(Family::inet));
  b.settimeout(kBound);
  CHECK(error_code([&] { b.recvfrom(10, msg::dontwait); }) == EAGAIN);
  a.sendto("dgram", b.getsockname());
  CHECK(b.recvfrom(10, msg::peek).first == "dgram");
  CHECK(b.recvfrom(10).first == "dgram");
}

TEST_CASE("settimeout: None blocks, 0 does not wait, t raises ETIMEDOUT") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Pair pair = connected_pair(stack, family);
  Socket& s = pair.server;

  SECTION("a new socket blocks") {
    CHECK_FALSE(stack.socket().gettimeout());
  }
  SECTION("0 makes every read raise EAGAIN when nothing is there") {
    s.settimeout(0);
    CHECK(s.gettimeout() == 0.0);
    CHECK(error_code([&] { s.recv(1); }) == EAGAIN);
    CHECK(error_code([&] { s.read(1); }) == EAGAIN);
    CHECK(error_code([&] { s.read(); }) == EAGAIN);
    CHECK(error_code([&] { s.readline(); }) == EAGAIN);
    std::string buffer(4, '\0');
    CHECK(error_code([&] { s.readinto(buffer); }) == EAGAIN);
  }
  SECTION("0 returns what is there without waiting for more") {
    pair.client.sendall("abc");
    CHECK(s.recv(3, msg::peek) == "abc");  // arrived
    s.settimeout(0);
    CHECK(s.readline() == "abc");
    pair.client.sendall("xyz");
    CHECK(s.recv(3, msg::peek) == "xyz");
    CHECK(s.read(10) == "xyz");
  }
  SECTION("t > 0 raises ETIMEDOUT when nothing comes in time") {
    s.settimeout(0.2);
    CHECK(s.gettimeout() == 0.2);
    CHECK(error_code([&] { s.recv(1); }) == ETIMEDOUT);
    CHECK(error_code([&] { s.read(1); }) == ETIMEDOUT);
    CHECK(error_code([&] { s.readline(); }) == ETIMEDOUT);
  }
  SECTION("None waits until data comes") {
    s.settimeout(std::nullopt);
    CHECK_FALSE(s.gettimeout());
    auto writer = std::async(std::launch::async, [&client = pair.client] {
      let_reader_wait();
      client.sendall("late");
    });
    CHECK(s.read(4) == "late");
    writer.get();
  }
  SECTION("a timeout longer than the clock can hold still waits") {
    s.settimeout(1e12);  // legal in Python: about 31700 years
    auto writer = std::async(std::launch::async, [&client = pair.client] {
      let_reader_wait();
      client.sendall("late");
    });
    CHECK(s.read(4) == "late");
    writer.get();
  }
  SECTION("negative, NaN and infinite timeouts raise EINVAL and change nothing") {
    s.settimeout(1.5);
    CHECK(error_code([&] { s.settimeout(-1.0); }) == EINVAL);
    CHECK(error_code([&] { s.settimeout(std::nan("")); }) == EINVAL);
    CHECK(error_code([&] { s.settimeout(INFINITY); }) == EINVAL);
    CHECK(s.gettimeout() == 1.5);
  }
}

TEST_CASE("setblocking is settimeout(None) or settimeout(0)") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  pair.server.setblocking(false);
  CHECK(pair.server.gettimeout() == 0.0);
  CHECK(error_code([&] { pair.server.recv(1); }) == EAGAIN);
  pair.server.setblocking(true);
  CHECK_FALSE(pair.server.gettimeout());
}

TEST_CASE("accept honours the timeout: EAGAIN non-blocking, ETIMEDOUT timed") {
  NativeStack stack;
  Socket server = listener(stack, Family::inet6);
  server.settimeout(0);
  CHECK(error_code([&] { server.accept(); }) == EAGAIN);
  server.settimeout(0.2);
  CHECK(error_code([&] { server.accept(); }) == ETIMEDOUT);
}

TEST_CASE("setsockopt takes ints and bytes and getsockopt_int reads them back") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Socket s = stack.socket(family);
  // The portable numbers are MicroPython's (SOL_SOCKET=4095, SO_REUSEADDR=4),
  // not Linux's (1 and 2): the stack translates them.
  REQUIRE(sol::socket == 4095);
  REQUIRE(so::reuseaddr == 4);
  CHECK(s.getsockopt_int(sol::socket, so::reuseaddr) == 0);
  s.setsockopt(sol::socket, so::reuseaddr, 1);
  CHECK(s.getsockopt_int(sol::socket, so::reuseaddr) == 1);
  s.setsockopt(sol::socket, so::reuseaddr, 0);
  CHECK(s.getsockopt_int(sol::socket, so::reuseaddr) == 0);

  s.setsockopt(sol::socket, so::keepalive, int_bytes(1));
  CHECK(s.getsockopt_int(sol::socket, so::keepalive) == 1);
  s.setsockopt(sol::tcp, tcpopt::nodelay, 1);
  CHECK(s.getsockopt_int(sol::tcp, tcpopt::nodelay) == 1);
  s.setsockopt(sol::socket, so::rcvbuf, 65536);
  CHECK(s.getsockopt_int(sol::socket, so::rcvbuf) >= 65536);  // Linux doubles it
  CHECK(s.getsockopt_int(sol::socket, so::type) == static_cast<int>(SockType::stream));
  CHECK(s.getsockopt_int(sol::socket, so::error) == 0);
  if (family == Family::inet6) {
    s.setsockopt(sol::ipv6, ipv6opt::v6only, 1);
    CHECK(s.getsockopt_int(sol::ipv6, ipv6opt::v6only) == 1);
  } else {
    s.setsockopt(sol::ip, ipopt::ttl, 33);
    CHECK(s.getsockopt_int(sol::ip, ipopt::ttl) == 33);
  }
}

TEST_CASE("an option the stack does not offer raises ENOPROTOOPT") {
  NativeStack stack;
  Socket s = stack.socket();
  CHECK(error_code([&] { s.setsockopt(sol::socket, 0x7777, 1); }) == ENOPROTOOPT);
  CHECK(error_code([&] { s.setsockopt(sol::socket, 0x7777, int_bytes(1)); }) == ENOPROTOOPT);
  CHECK(error_code([&] { s.getsockopt_int(sol::socket, 0x7777); }) == ENOPROTOOPT);
  CHECK(error_code([&] { s.setsockopt(12345, 1, 1); }) == ENOPROTOOPT);
  // Linux's own SO_REUSEADDR number at Linux's SOL_SOCKET is not a portable option.
  CHECK(error_code([&] { s.setsockopt(1, 2, 1); }) == ENOPROTOOPT);
  // Kernel timeouts are settimeout()'s job.
  CHECK(error_code([&] { s.setsockopt(sol::socket, so::rcvtimeo, 1); }) == ENOPROTOOPT);
  // A value too short for the option is the kernel's EINVAL.
  CHECK(error_code([&] { s.setsockopt(sol::socket, so::reuseaddr, "x"); }) == EINVAL);
}

TEST_CASE("QuecPython's TCP_KEEPALIVE takes minutes, 1 to 120") {
  NativeStack stack;
  Socket s = stack.socket();
  s.setsockopt(sol::tcp, tcpopt::keepalive, 2);
  CHECK(s.getsockopt_int(sol::socket, so::keepalive) == 1);
  CHECK(s.getsockopt_int(sol::tcp, tcpopt::keepidle) == 120);
  CHECK(s.getsockopt_int(sol::tcp, tcpopt::keepintvl) == 120);
  CHECK(error_code([&] { s.setsockopt(sol::tcp, tcpopt::keepalive, 0); }) == EINVAL);
  CHECK(error_code([&] { s.setsockopt(sol::tcp, tcpopt::keepalive, 121); }) == EINVAL);
}

TEST_CASE("getsocketsta follows the TCP states with QuecPython's numbers") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  CHECK(static_cast<int>(stack.socket(family).getsocketsta()) == 0);  // CLOSED: not used yet
  Socket server = listener(stack, family);
  CHECK(static_cast<int>(server.getsocketsta()) == 1);  // LISTEN

  Socket client = stack.socket(family);
  client.settimeout(kBound);
  client.connect(server.getsockname());
  Socket conn = std::move(server.accept().first);
  conn.settimeout(kBound);
  CHECK(static_cast<int>(client.getsocketsta()) == 4);  // ESTABLISHED
  CHECK(static_cast<int>(conn.getsocketsta()) == 4);

  client.shutdown(1);
  CHECK(conn.recv(1).empty());                        // the FIN is in
  CHECK(static_cast<int>(conn.getsocketsta()) == 7);  // CLOSE_WAIT
  const TcpState closing = client.getsocketsta();
  CHECK((closing == TcpState::fin_wait_1 || closing == TcpState::fin_wait_2));

  conn.close();
  CHECK(client.recv(1).empty());
  // Linux hands TIME_WAIT to a kernel-only stand-in and leaves our descriptor
  // CLOSED, where lwIP would say 10: the connection is over either way.
  CHECK(static_cast<int>(client.getsocketsta()) == 0);
  client.close();
  CHECK(static_cast<int>(client.getsocketsta()) == -1);  // released
}

TEST_CASE("shutdown(1) ends our sending while we still receive") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  pair.client.shutdown(1);
  CHECK(pair.server.recv(10).empty());
  pair.server.sendall("still here");
  CHECK(pair.client.read(10) == "still here");
  CHECK(error_code([&] { pair.client.send("x"); }) == EPIPE);
}

TEST_CASE("close is idempotent and every later call raises EBADF") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Socket& s = pair.client;
  s.close();
  s.close();
  CHECK(s.closed());
  CHECK(pair.server.recv(10).empty());  // the peer sees EOF

  const SockAddr where = loopback(Family::inet, 9);
  std::string buffer(4, '\0');
  CHECK(error_code([&] { s.bind(where); }) == EBADF);
  CHECK(error_code([&] { s.listen(); }) == EBADF);
  CHECK(error_code([&] { s.accept(); }) == EBADF);
  CHECK(error_code([&] { s.connect(where); }) == EBADF);
  CHECK(error_code([&] { s.send("x"); }) == EBADF);
  CHECK(error_code([&] { s.sendall("x"); }) == EBADF);
  CHECK(error_code([&] { s.write("x"); }) == EBADF);
  CHECK(error_code([&] { s.sendto("x", where); }) == EBADF);
  CHECK(error_code([&] { s.recv(1); }) == EBADF);
  CHECK(error_code([&] { s.recvfrom(1); }) == EBADF);
  CHECK(error_code([&] { s.read(); }) == EBADF);
  CHECK(error_code([&] { s.read(1); }) == EBADF);
  CHECK(error_code([&] { s.readinto(buffer); }) == EBADF);
  CHECK(error_code([&] { s.readline(); }) == EBADF);
  CHECK(error_code([&] { s.setsockopt(sol::socket, so::reuseaddr, 1); }) == EBADF);
  CHECK(error_code([&] { s.setsockopt(sol::socket, so::reuseaddr, int_bytes(1)); }) == EBADF);
  CHECK(error_code([&] { s.getsockopt_int(sol::socket, so::reuseaddr); }) == EBADF);
  CHECK(error_code([&] { s.settimeout(1.0); }) == EBADF);
  CHECK(error_code([&] { s.setblocking(false); }) == EBADF);
  CHECK(error_code([&] { s.getsockname(); }) == EBADF);
  CHECK(error_code([&] { s.getpeername(); }) == EBADF);
  CHECK(error_code([&] { s.shutdown(2); }) == EBADF);
  CHECK(error_code([&] { s.backend(); }) == EBADF);
  CHECK(s.getsocketsta() == TcpState::unknown);
}

TEST_CASE("a moved-from socket is closed and the moved-to one carries on") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Socket moved(std::move(pair.client));
  CHECK(pair.client.closed());
  CHECK_FALSE(moved.closed());
  CHECK(moved.name() == "client");
  CHECK(moved.gettimeout() == kBound);
  CHECK(error_code([&] { pair.client.send("x"); }) == EBADF);
  pair.client.close();  // harmless
  moved.sendall("via moved");
  CHECK(pair.server.read(9) == "via moved");
}

TEST_CASE("move assignment closes the socket it replaces") {
  NativeStack stack;
  Pair first = connected_pair(stack, Family::inet);
  Pair second = connected_pair(stack, Family::inet6);
  first.client = std::move(second.client);
  CHECK(first.server.recv(10).empty());  // the first connection was closed
  CHECK(second.client.closed());
  first.client.sendall("x");
  CHECK(second.server.recv(1) == "x");
}

TEST_CASE("makefile returns the socket itself and names can change") {
  NativeStack stack;
  Socket s = stack.socket();
  CHECK(&s.makefile() == &s);
  CHECK(s.name() == "s");
  s.set_name("sock");
  CHECK(s.name() == "sock");
}

TEST_CASE("a read that times out midway loses none of the bytes it took") {
  NativeStack stack;
  // Named members, not a structured binding: clang 14 cannot capture those.
  Pair pair = connected_pair(stack, Family::inet);
  Socket& client = pair.client;
  Socket& server = pair.server;
  server.settimeout(0.2);

  SECTION("read(n) keeps what came before the timeout for the next call") {
    client.sendall("abc");
    CHECK(error_code([&] { server.read(10); }) == ETIMEDOUT);
    client.sendall("def");
    CHECK(server.read(6) == "abcdef");
  }
  SECTION("read() to EOF keeps its bytes too") {
    client.sendall("partial");
    CHECK(error_code([&] { server.read(); }) == ETIMEDOUT);
    CHECK(server.recv(100) == "partial");
  }
  SECTION("readline() keeps a line cut by the timeout") {
    client.sendall("first half, ");
    CHECK(error_code([&] { server.readline(); }) == ETIMEDOUT);
    client.sendall("second half\nnext\n");
    CHECK(server.readline() == "first half, second half\n");
    CHECK(server.readline() == "next\n");
  }
  SECTION("kept bytes come before new ones for recv_into and readinto") {
    client.sendall("xy");
    CHECK(error_code([&] { server.read(3); }) == ETIMEDOUT);
    char peeked[8];
    CHECK(server.recv_into(peeked, msg::peek) == 2);
    client.sendall("z");
    char buffer[3];
    CHECK(server.readinto(buffer) == 3);
    CHECK(std::string(buffer, 3) == "xyz");
  }
}

TEST_CASE("sendfile sends a file's bytes from an offset, natively and portably", "[socket]") {
  NativeStack stack;
  auto [client, server] = connected_pair(stack, Family::inet);
  char name[] = "/tmp/usock-sendfile-XXXXXX";
  const int fd = ::mkstemp(name);
  REQUIRE(fd >= 0);
  ::unlink(name);
  const std::string content = "0123456789abcdefghij";
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  // The kernel's sendfile(2).
  CHECK(server.sendfile(fd, 5, 10) == 10);
  CHECK(client.read(10) == "56789abcde");
  // The read-and-send way every other stack gets, called past the override.
  CHECK(server.backend().SocketBackend::send_file(fd, 15, 100, Wait::forever()) == 5);
  CHECK(client.read(5) == "fghij");
  // At the end of the file both send nothing.
  CHECK(server.sendfile(fd, 20, 10) == 0);
  CHECK(server.backend().SocketBackend::send_file(fd, 20, 10, Wait::forever()) == 0);
  ::close(fd);
}
