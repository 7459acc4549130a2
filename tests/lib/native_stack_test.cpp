// NativeStack's resolver: getaddrinfo/getnameinfo on this host's C library.
// No internet here, and /etc/hosts maps localhost to 127.0.0.1 only, so the
// checks use numeric hosts, localhost over IPv4, and names that cannot exist.
#include "usock/native_stack.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>
#include <vector>

#include "error_code.hpp"

using namespace usock;
using usock::test::error_code;

namespace {

const AddrHints kStream{Family::unspec, SockType::stream, 0, 0};

bool has(const std::vector<AddrInfo>& infos, const std::string& host, int port) {
  for (const auto& info : infos) {
    if (info.addr.host() == host && info.addr.port() == port) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a numeric IPv4 host resolves to itself") {
  NativeStack stack;
  const auto infos = stack.getaddrinfo("127.0.0.1", "80", kStream);
  CHECK(repr(infos) == "[(2, 1, 6, '', ('127.0.0.1', 80))]");
}

TEST_CASE("a numeric IPv6 host resolves to itself") {
  NativeStack stack;
  const auto infos = stack.getaddrinfo("::1", "8080", kStream);
  CHECK(repr(infos) == "[(10, 1, 6, '', ('::1', 8080, 0, 0))]");
}

TEST_CASE("with no type given, every socket type comes back") {
  NativeStack stack;
  const auto infos = stack.getaddrinfo("127.0.0.1", "80");
  REQUIRE(infos.size() >= 2);
  bool stream = false;
  bool dgram = false;
  for (const auto& info : infos) {
    CHECK(info.addr == SockAddr::ipv4({127, 0, 0, 1}, 80));
    stream = stream || (info.type == SockType::stream && info.proto == proto::tcp);
    dgram = dgram || (info.type == SockType::dgram && info.proto == proto::udp);
  }
  CHECK(stream);
  CHECK(dgram);
}

TEST_CASE("type and protocol filter the results") {
  NativeStack stack;
  for (const auto& info : stack.getaddrinfo("127.0.0.1", "53", {Family::unspec, SockType::dgram})) {
    CHECK(info.type == SockType::dgram);
    CHECK(info.proto == proto::udp);
  }
  const auto tcp =
      stack.getaddrinfo("127.0.0.1", "53", {Family::unspec, SockType::any, proto::tcp});
  REQUIRE_FALSE(tcp.empty());
  for (const auto& info : tcp)
    CHECK(info.type == SockType::stream);
}

TEST_CASE("localhost resolves to the IPv4 loopback") {
  NativeStack stack;
  const auto infos = stack.getaddrinfo("localhost", "80", kStream);
  CHECK(has(infos, "127.0.0.1", 80));
  for (const auto& info : infos) {
    CHECK((info.addr.host() == "127.0.0.1" || info.addr.host() == "::1"));
  }
  const auto v4 = stack.getaddrinfo("localhost", "80", {Family::inet, SockType::stream});
  CHECK(repr(v4) == "[(2, 1, 6, '', ('127.0.0.1', 80))]");
}

TEST_CASE("a family filter that the host does not match fails with EAI_ADDRFAMILY") {
  NativeStack stack;
  CHECK(error_code([&] {
          stack.getaddrinfo("127.0.0.1", "80", {Family::inet6, SockType::stream});
        }) == eai::addrfamily);
  CHECK(error_code([&] {
          stack.getaddrinfo("::1", "80", {Family::inet, SockType::stream});
        }) == eai::addrfamily);
}

TEST_CASE("AI_PASSIVE with no host gives the wildcard addresses") {
  NativeStack stack;
  const auto infos =
      stack.getaddrinfo(std::nullopt, "8080", {Family::unspec, SockType::stream, 0, ai::passive});
  CHECK(has(infos, "0.0.0.0", 8080));
  CHECK(has(infos, "::", 8080));
  // Without it, no host means the loopback.
  const auto active = stack.getaddrinfo(std::nullopt, "8080", {Family::inet, SockType::stream});
  CHECK(repr(active) == "[(2, 1, 6, '', ('127.0.0.1', 8080))]");
}

TEST_CASE("AI_NUMERICHOST refuses names and AI_CANONNAME fills the canonical name") {
  NativeStack stack;
  CHECK(
      error_code([&] {
        stack.getaddrinfo("localhost", "80", {Family::inet, SockType::stream, 0, ai::numerichost});
      }) == eai::noname);
  const auto canon =
      stack.getaddrinfo("localhost", "80", {Family::inet, SockType::stream, 0, ai::canonname});
  REQUIRE_FALSE(canon.empty());
  CHECK(canon.front().canonname == "localhost");
}

TEST_CASE("flags the library has no name for fail with EAI_BADFLAGS") {
  NativeStack stack;
  CHECK(error_code([&] {
          stack.getaddrinfo("127.0.0.1", "80", {Family::unspec, SockType::stream, 0, 0x80});
        }) == eai::badflags);
}

TEST_CASE("a port that is not 0-65535 fails with EAI_SERVICE (-8)") {
  NativeStack stack;
  for (const char* port : {"65536", "70000", "-1", "+1", " 80", "99999999999999999999"}) {
    INFO(port);
    CHECK(error_code([&] { stack.getaddrinfo("127.0.0.1", port, kStream); }) == -8);
  }
  CHECK(stack.getaddrinfo("127.0.0.1", "0", kStream).front().addr.port() == 0);
  CHECK(stack.getaddrinfo("127.0.0.1", "65535", kStream).front().addr.port() == 65535);
  CHECK(stack.getaddrinfo("127.0.0.1", std::nullopt, kStream).front().addr.port() == 0);
}

TEST_CASE("service names come from the services database") {
  NativeStack stack;
  CHECK(stack.getaddrinfo("127.0.0.1", "http", kStream).front().addr.port() == 80);
  CHECK(error_code([&] { stack.getaddrinfo("127.0.0.1", "no-such-service", kStream); }) ==
        eai::service);
}

TEST_CASE("an unknown name fails with EAI_NONAME (-2)") {
  NativeStack stack;
  CHECK(error_code([&] { stack.getaddrinfo("nonexistent.invalid", "80"); }) == -2);
  CHECK(error_code([&] { stack.getaddrinfo("", "80"); }) == eai::noname);
}

TEST_CASE("an unknown socket type fails with EAI_SOCKTYPE") {
  NativeStack stack;
  CHECK(error_code([&] {
          stack.getaddrinfo("127.0.0.1", "80", {Family::unspec, static_cast<SockType>(200)});
        }) == eai::socktype);
}

TEST_CASE("getnameinfo gives numbers or names as asked") {
  NativeStack stack;
  const SockAddr addr = SockAddr::ipv4({127, 0, 0, 1}, 80);
  const NameInfo numeric = stack.getnameinfo(addr, ni::numerichost | ni::numericserv);
  CHECK(numeric.host == "127.0.0.1");
  CHECK(numeric.service == "80");
  const NameInfo named = stack.getnameinfo(addr);
  CHECK(named.host == "localhost");
  CHECK(named.service == "http");
  const NameInfo v6 = stack.getnameinfo(SockAddr::from_numeric("::1", 443), ni::numerichost);
  CHECK(v6.host == "::1");
  CHECK(v6.service == "https");
  CHECK(error_code([&] { stack.getnameinfo(SockAddr{}); }) == EAFNOSUPPORT);
}

TEST_CASE("the native stack describes itself and refuses unknown families") {
  NativeStack stack;
  CHECK(stack.description() == "native");
  CHECK(error_code([&] { stack.socket(Family::unspec); }) == EAFNOSUPPORT);
}
