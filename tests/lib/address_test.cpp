// The socket module's network-free helpers: inet_pton/inet_ntop, port and
// endpoint parsing, and the repr of getaddrinfo's 5-tuples.
#include "usock/address.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <initializer_list>
#include <string>

#include "error_code.hpp"
#include "usock/pyrepr.hpp"

using namespace usock;
using namespace std::string_literals;
using usock::test::error_code;

TEST_CASE("inet_ntop and inet_pton reproduce the documented examples") {
  // >>> socket.inet_ntop(socket.AF_INET, b"\x7f\0\0\1")  ->  '127.0.0.1'
  CHECK(inet_ntop(Family::inet, "\x7f\0\0\1"s) == "127.0.0.1");
  // >>> socket.inet_pton(socket.AF_INET, "1.2.3.4")  ->  b'\x01\x02\x03\x04'
  CHECK(inet_pton(Family::inet, "1.2.3.4") == "\x01\x02\x03\x04"s);
  CHECK(py_repr_bytes(inet_pton(Family::inet, "1.2.3.4")) == "b'\\x01\\x02\\x03\\x04'");
}

TEST_CASE("inet_pton and inet_ntop handle IPv6") {
  const std::string loopback = std::string(15, '\0') + "\x01";
  CHECK(inet_pton(Family::inet6, "::1") == loopback);
  CHECK(inet_ntop(Family::inet6, loopback) == "::1");
  CHECK(inet_ntop(Family::inet6, std::string(16, '\0')) == "::");
  // The text comes back in canonical form, not as given.
  CHECK(inet_ntop(Family::inet6,
                  inet_pton(Family::inet6, "2001:0db8:0000:0000:0000:ff00:0042:8329")) ==
        "2001:db8::ff00:42:8329");
  CHECK(inet_ntop(Family::inet6, inet_pton(Family::inet6, "::ffff:1.2.3.4")) == "::ffff:1.2.3.4");
}

TEST_CASE("inet_pton raises EINVAL for text that is not an address of the family") {
  for (const std::string& text : std::initializer_list<std::string>{
           "1.2.3", "1.2.3.4.5", "256.1.1.1", "", " 1.2.3.4", "1.2.3.4 ", "01.2.3.4", "::1",
           "localhost", "1.2.3.4\0"s, "1.2.3.4\0junk"s}) {
    INFO(py_repr_str(text));
    CHECK(error_code([&] { inet_pton(Family::inet, text); }) == EINVAL);
  }
  for (const std::string text : {"1.2.3.4", ":::", "12345::", "::g", "", "[::1]", "::1%lo"}) {
    INFO(py_repr_str(text));
    CHECK(error_code([&] { inet_pton(Family::inet6, text); }) == EINVAL);
  }
}

TEST_CASE("inet_ntop raises EINVAL when the length does not fit the family") {
  CHECK(error_code([] { inet_ntop(Family::inet, "\x7f\0\0"s); }) == EINVAL);
  CHECK(error_code([] { inet_ntop(Family::inet, std::string(16, '\0')); }) == EINVAL);
  CHECK(error_code([] { inet_ntop(Family::inet6, "\x7f\0\0\1"s); }) == EINVAL);
  CHECK(error_code([] { inet_ntop(Family::inet, ""); }) == EINVAL);
}

TEST_CASE("inet_pton and inet_ntop refuse other families with EAFNOSUPPORT") {
  CHECK(error_code([] { inet_pton(Family::unspec, "1.2.3.4"); }) == EAFNOSUPPORT);
  CHECK(error_code([] { inet_ntop(Family::unspec, "\x7f\0\0\1"s); }) == EAFNOSUPPORT);
}

TEST_CASE("parse_port takes plain decimal 0-65535 and nothing else") {
  CHECK(parse_port("0") == 0);
  CHECK(parse_port("80") == 80);
  CHECK(parse_port("65535") == 65535);
  // Leading zeros are still decimal, as int("080") is 80 in Python.
  CHECK(parse_port("080") == 80);
  CHECK(parse_port("00000000000000000000000000000443") == 443);
  CHECK_FALSE(parse_port("65536"));
  CHECK_FALSE(parse_port("99999999999999999999"));  // no wrap-around
  CHECK_FALSE(parse_port(""));
  CHECK_FALSE(parse_port("+1"));
  CHECK_FALSE(parse_port("-1"));
  CHECK_FALSE(parse_port(" 80"));
  CHECK_FALSE(parse_port("80 "));
  CHECK_FALSE(parse_port("0x50"));
  CHECK_FALSE(parse_port("http"));
  CHECK_FALSE(parse_port("8\0"s));
}

TEST_CASE("parse_endpoint splits host and port") {
  const auto plain = parse_endpoint("example.com:80");
  REQUIRE(plain);
  CHECK(plain->host == "example.com");
  CHECK(plain->port == 80);

  const auto bare = parse_endpoint("example.com");
  REQUIRE(bare);
  CHECK(bare->host == "example.com");
  CHECK_FALSE(bare->port);

  const auto v6 = parse_endpoint("[::1]:8080");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8080);

  const auto v6_bare = parse_endpoint("[::1]");
  REQUIRE(v6_bare);
  CHECK(v6_bare->host == "::1");
  CHECK_FALSE(v6_bare->port);

  const auto zero = parse_endpoint("127.0.0.1:0");
  REQUIRE(zero);
  CHECK(zero->port == 0);
}

TEST_CASE("parse_endpoint takes an unbracketed IPv6 address as a bare host") {
  for (const char* text : {"::1", "2001:db8::1", "fe80::1:2"}) {
    const auto endpoint = parse_endpoint(text);
    REQUIRE(endpoint);
    CHECK(endpoint->host == text);
    CHECK_FALSE(endpoint->port);
  }
}

TEST_CASE("parse_endpoint refuses empty hosts, bad ports and unbalanced brackets") {
  for (const std::string text :
       {"", ":80", "[]:80", "[]", "[::1", "::1]", "[::1]x", "[::1]:", "[::1]80", "host:", "host:+1",
        "host: 80", "host:65536", "host:http", "a]b:80", "a[b:80", "a[b", "[a[b]:80",
        "[[::1]]:80"}) {
    INFO(py_repr_str(text));
    CHECK_FALSE(parse_endpoint(text));
  }
}

TEST_CASE("getaddrinfo 5-tuples print as Python prints them") {
  // The documented example: [(2, 1, 0, 'google.com', ('142.250.191.46', 80))]
  const AddrInfo google{Family::inet, SockType::stream, 0, "google.com",
                        SockAddr::ipv4({142, 250, 191, 46}, 80)};
  CHECK(repr(google) == "(2, 1, 0, 'google.com', ('142.250.191.46', 80))");
  CHECK(repr(std::vector<AddrInfo>{google}) == "[(2, 1, 0, 'google.com', ('142.250.191.46', 80))]");

  const AddrInfo v6{Family::inet6, SockType::dgram, proto::udp, "",
                    SockAddr::from_numeric("::1", 53)};
  CHECK(repr(std::vector<AddrInfo>{google, v6}) ==
        "[(2, 1, 0, 'google.com', ('142.250.191.46', 80)), (10, 2, 17, '', ('::1', 53, 0, 0))]");
  CHECK(repr(std::vector<AddrInfo>{}) == "[]");
}

TEST_CASE("getnameinfo's pair prints as a tuple of two strings") {
  CHECK(repr(NameInfo{"localhost", "http"}) == "('localhost', 'http')");
  CHECK(repr(NameInfo{"o'neil", "80"}) == "(\"o'neil\", '80')");
}
