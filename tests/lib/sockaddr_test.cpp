// SockAddr: the portable address, printed as Python prints the tuple.
#include "usock/sockaddr.hpp"

#include <catch2/catch.hpp>
#include <cerrno>

#include "error_code.hpp"

using usock::Family;
using usock::SockAddr;
using usock::test::error_code;

TEST_CASE("an IPv4 address prints as (host, port)") {
  const SockAddr addr = SockAddr::ipv4({127, 0, 0, 1}, 80);
  CHECK(addr.family() == Family::inet);
  CHECK(addr.port() == 80);
  CHECK(addr.host() == "127.0.0.1");
  CHECK(addr.repr() == "('127.0.0.1', 80)");
  CHECK(SockAddr::ipv4({192, 168, 4, 1}, 65535).repr() == "('192.168.4.1', 65535)");
}

TEST_CASE("an IPv6 address prints as (host, port, flowinfo, scopeid)") {
  std::array<std::uint8_t, 16> loopback{};
  loopback[15] = 1;
  CHECK(SockAddr::ipv6(loopback, 80).repr() == "('::1', 80, 0, 0)");
  const SockAddr scoped = SockAddr::ipv6(loopback, 8080, 5, 3);
  CHECK(scoped.family() == Family::inet6);
  CHECK(scoped.flowinfo() == 5);
  CHECK(scoped.scope_id() == 3);
  CHECK(scoped.repr() == "('::1', 8080, 5, 3)");
}

TEST_CASE("an unspecified address prints as None") {
  const SockAddr none;
  CHECK(none.family() == Family::unspec);
  CHECK(none.host().empty());
  CHECK(none.repr() == "None");
}

TEST_CASE("from_numeric takes numeric hosts of either family") {
  CHECK(SockAddr::from_numeric("10.0.0.1", 8080) == SockAddr::ipv4({10, 0, 0, 1}, 8080));
  const SockAddr v6 = SockAddr::from_numeric("2001:db8::1", 443);
  CHECK(v6.family() == Family::inet6);
  CHECK(v6.bytes()[0] == 0x20);
  CHECK(v6.bytes()[1] == 0x01);
  CHECK(v6.bytes()[2] == 0x0d);
  CHECK(v6.bytes()[3] == 0xb8);
  CHECK(v6.bytes()[15] == 0x01);
  CHECK(v6.repr() == "('2001:db8::1', 443, 0, 0)");
  // inet_ntop's canonical form comes back, not the text given.
  CHECK(SockAddr::from_numeric("0:0::0001", 1).host() == "::1");
}

TEST_CASE("from_numeric refuses names and junk with EINVAL") {
  // MicroPython's tuple addresses take no names: resolve with getaddrinfo.
  CHECK(error_code([] { SockAddr::from_numeric("localhost", 80); }) == EINVAL);
  CHECK(error_code([] { SockAddr::from_numeric("", 80); }) == EINVAL);
  CHECK(error_code([] { SockAddr::from_numeric("1.2.3.4:80", 80); }) == EINVAL);
  CHECK(error_code([] { SockAddr::from_numeric("256.0.0.1", 80); }) == EINVAL);
  CHECK(error_code([] { SockAddr::from_numeric("[::1]", 80); }) == EINVAL);
}

TEST_CASE("addresses compare by every field") {
  const SockAddr a = SockAddr::ipv4({1, 2, 3, 4}, 80);
  CHECK(a == SockAddr::ipv4({1, 2, 3, 4}, 80));
  CHECK_FALSE(a == SockAddr::ipv4({1, 2, 3, 4}, 81));
  CHECK_FALSE(a == SockAddr::ipv4({1, 2, 3, 5}, 80));
  std::array<std::uint8_t, 16> bytes{};
  CHECK_FALSE(SockAddr::ipv6(bytes, 80, 0, 1) == SockAddr::ipv6(bytes, 80, 0, 2));
  CHECK_FALSE(SockAddr::ipv6(bytes, 80) == SockAddr{});
}
