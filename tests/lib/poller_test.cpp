// Poller: select.poll over native sockets (epoll), level-triggered as poll().
// Every poll has a bound (kBoundMs) or none at all only where an event is
// certain to come; a missing event fails the test instead of hanging it.
#include "usock/poller.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include "error_code.hpp"
#include "loopback.hpp"
#include "usock/native_stack.hpp"

using namespace usock;
using namespace std::chrono_literals;
using usock::test::connected_pair;
using usock::test::error_code;
using usock::test::listener;
using usock::test::Pair;

namespace {

constexpr int kBoundMs = 20000;

// The events reported for `token`, 0 when it is not in the list.
unsigned events_of(const std::vector<PollEvent>& ready, std::uint64_t token) {
  for (const auto& event : ready) {
    if (event.token == token) return event.events;
  }
  return 0;
}

}  // namespace

TEST_CASE("a listener polls readable when a connection waits to be accepted") {
  const Family family = GENERATE(Family::inet, Family::inet6);
  NativeStack stack;
  Socket server = listener(stack, family);
  Poller poller = stack.poll();
  poller.add(server, pollev::in, 1);
  CHECK(poller.poll(0).empty());

  Socket client = stack.socket(family);
  client.connect(server.getsockname());
  const auto& ready = poller.poll(kBoundMs);
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].token == 1);
  CHECK(ready[0].events == pollev::in);
  server.settimeout(0);  // readiness means accept() will not block
  CHECK_NOTHROW(server.accept());
  CHECK(poller.poll(0).empty());
}

TEST_CASE("a connection polls readable when data comes, and stays so until read") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Poller poller = stack.poll();
  poller.add(pair.server, pollev::in, 42);
  CHECK(poller.poll(0).empty());
  pair.client.sendall("data");
  CHECK(events_of(poller.poll(kBoundMs), 42) == pollev::in);
  // Level-triggered: still readable while the data is unread.
  CHECK(events_of(poller.poll(0), 42) == pollev::in);
  CHECK(pair.server.recv(10) == "data");
  CHECK(poller.poll(0).empty());
}

TEST_CASE("a connection with room in its send buffer polls writable") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet6);
  Poller poller = stack.poll();
  poller.add(pair.client, pollev::out, 7);
  CHECK(events_of(poller.poll(kBoundMs), 7) == pollev::out);
}

TEST_CASE("modify changes the events asked for and remove stops reporting") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  pair.client.sendall("x");
  Poller poller = stack.poll();
  poller.add(pair.server, pollev::in, 1);
  CHECK(events_of(poller.poll(kBoundMs), 1) == pollev::in);

  poller.modify(pair.server, pollev::out, 2);
  const auto& ready = poller.poll(kBoundMs);
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].token == 2);  // the new token
  CHECK(ready[0].events == pollev::out);

  poller.remove(pair.server);
  CHECK(poller.poll(0).empty());
  // Not registered any more: modifying or removing again is ENOENT.
  CHECK(error_code([&] { poller.remove(pair.server); }) == ENOENT);
  CHECK(error_code([&] { poller.modify(pair.server, pollev::in, 1); }) == ENOENT);
  poller.add(pair.server, pollev::in, 3);
  CHECK(error_code([&] { poller.add(pair.server, pollev::in, 3); }) == EEXIST);
}

TEST_CASE("a poll with no event ready returns empty when its timeout ends") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Poller poller = stack.poll();
  poller.add(pair.server, pollev::in, 1);
  CHECK(poller.poll(0).empty());
  CHECK(poller.poll(50).empty());
  Poller empty = stack.poll();
  CHECK(empty.poll(10).empty());
}

TEST_CASE("a negative timeout waits for an event, as select.poll's -1 does") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Poller poller = stack.poll();
  poller.add(pair.server, pollev::in, 5);
  auto writer = std::async(std::launch::async, [&client = pair.client] {
    std::this_thread::sleep_for(50ms);
    client.sendall("late");
  });
  // Waits (with no bound of its own) until the data comes, as poll(-1) does.
  CHECK(events_of(poller.poll(-1), 5) == pollev::in);
  writer.get();
}

TEST_CASE("no timeout waits for an event") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Poller poller = stack.poll();
  poller.add(pair.server, pollev::in, 5);
  auto writer = std::async(std::launch::async, [&client = pair.client] {
    std::this_thread::sleep_for(50ms);
    client.sendall("late");
  });
  CHECK(events_of(poller.poll(std::nullopt), 5) == pollev::in);
  writer.get();
}

TEST_CASE("a peer's close polls readable, and recv then sees EOF") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Poller poller = stack.poll();
  poller.add(pair.server, pollev::in, 1);
  pair.client.close();
  CHECK(events_of(poller.poll(kBoundMs), 1) & pollev::in);
  CHECK(pair.server.recv(10).empty());
}

TEST_CASE("a connection closed at both ends polls HUP without asking") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Poller poller = stack.poll();
  poller.add(pair.server, 0, 1);  // HUP and ERR need not be asked for
  pair.client.close();
  CHECK(pair.server.recv(1).empty());  // the peer's FIN is in
  pair.server.shutdown(1);             // and ours is out: nothing more can happen
  CHECK(events_of(poller.poll(kBoundMs), 1) & pollev::hup);
}

TEST_CASE("a peer's reset polls HUP and ERR, and recv raises ECONNRESET") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet6);
  // SO_LINGER {on, 0 s} as bytes: close() then resets instead of a FIN.
  const int linger[2] = {1, 0};
  pair.client.setsockopt(sol::socket, so::linger,
                         std::string_view(reinterpret_cast<const char*>(linger), sizeof linger));
  Poller poller = stack.poll();
  poller.add(pair.server, pollev::in, 9);
  pair.client.close();
  const unsigned events = events_of(poller.poll(kBoundMs), 9);
  CHECK(events & pollev::hup);
  CHECK(events & pollev::err);
  CHECK(error_code([&] { pair.server.recv(10); }) == ECONNRESET);
}

TEST_CASE("a socket closed while registered leaves the poller by itself") {
  NativeStack stack;
  Pair pair = connected_pair(stack, Family::inet);
  Poller poller = stack.poll();
  poller.add(pair.server, pollev::in | pollev::out, 1);
  poller.add(pair.client, pollev::out, 2);
  pair.server.close();
  const auto& ready = poller.poll(kBoundMs);
  CHECK(events_of(ready, 1) == 0);
  CHECK(events_of(ready, 2) & pollev::out);
  CHECK(error_code([&] { poller.remove(pair.server); }) == EBADF);
}

TEST_CASE("many sockets report together, each with its token") {
  NativeStack stack;
  Pair a = connected_pair(stack, Family::inet);
  Pair b = connected_pair(stack, Family::inet6);
  Poller poller = stack.poll();
  poller.add(a.server, pollev::in, 100);
  poller.add(b.server, pollev::in, 200);
  a.client.sendall("a");
  b.client.sendall("b");
  // Both arrived once each is readable by a blocking peek.
  CHECK(a.server.recv(1, msg::peek) == "a");
  CHECK(b.server.recv(1, msg::peek) == "b");
  const auto& ready = poller.poll(kBoundMs);
  CHECK(ready.size() == 2);
  CHECK(events_of(ready, 100) == pollev::in);
  CHECK(events_of(ready, 200) == pollev::in);
  // max_events caps one round; the rest come in the next.
  CHECK(poller.poll(kBoundMs, 1).size() == 1);
}
