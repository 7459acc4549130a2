// The socket module's constants: portable numbers (seeds 000 and 004) and
// the names --trace prints for them.
#include "usock/constants.hpp"

#include <catch2/catch.hpp>

using namespace usock;

TEST_CASE("constants carry MicroPython's numbers from the seed documents") {
  // Seed 000 lists these for a board: AF_INET=2, AF_INET6=10, SOCK_*=1,2,3,
  // SOL_SOCKET=4095, SO_REUSEADDR=4.
  CHECK(static_cast<int>(Family::inet) == 2);
  CHECK(static_cast<int>(Family::inet6) == 10);
  CHECK(static_cast<int>(SockType::stream) == 1);
  CHECK(static_cast<int>(SockType::dgram) == 2);
  CHECK(static_cast<int>(SockType::raw) == 3);
  CHECK(sol::socket == 4095);
  CHECK(so::reuseaddr == 4);
  CHECK(proto::tcp == 6);
  CHECK(proto::udp == 17);
  // Seed 004's getsocketsta() table.
  CHECK(static_cast<int>(TcpState::closed) == 0);
  CHECK(static_cast<int>(TcpState::listen) == 1);
  CHECK(static_cast<int>(TcpState::established) == 4);
  CHECK(static_cast<int>(TcpState::close_wait) == 7);
  CHECK(static_cast<int>(TcpState::time_wait) == 10);
}

TEST_CASE("names of families, types and protocols") {
  CHECK(family_name(Family::inet) == "AF_INET");
  CHECK(family_name(Family::inet6) == "AF_INET6");
  CHECK(family_name(Family::unspec) == "AF_UNSPEC");
  CHECK(family_name(static_cast<Family>(99)) == "99");
  CHECK(socktype_name(SockType::stream) == "SOCK_STREAM");
  CHECK(socktype_name(SockType::dgram) == "SOCK_DGRAM");
  CHECK(socktype_name(SockType::raw) == "SOCK_RAW");
  CHECK(socktype_name(SockType::any) == "0");
  CHECK(socktype_name(static_cast<SockType>(42)) == "42");
  CHECK(proto_name(proto::tcp) == "IPPROTO_TCP");
  CHECK(proto_name(proto::udp) == "IPPROTO_UDP");
  CHECK(proto_name(0) == "0");
  CHECK(proto_name(132) == "132");
}

TEST_CASE("names of TCP states") {
  CHECK(tcp_state_name(TcpState::unknown) == "UNKNOWN");
  CHECK(tcp_state_name(TcpState::listen) == "LISTEN");
  CHECK(tcp_state_name(TcpState::established) == "ESTABLISHED");
  CHECK(tcp_state_name(TcpState::close_wait) == "CLOSE_WAIT");
  CHECK(tcp_state_name(static_cast<TcpState>(55)) == "55");
}

TEST_CASE("names of option levels and options") {
  CHECK(level_name(sol::socket) == "SOL_SOCKET");
  CHECK(level_name(sol::tcp) == "IPPROTO_TCP");
  CHECK(level_name(sol::ip) == "IPPROTO_IP");
  CHECK(level_name(sol::ipv6) == "IPPROTO_IPV6");
  CHECK(level_name(77) == "77");
  CHECK(option_name(sol::socket, so::reuseaddr) == "SO_REUSEADDR");
  CHECK(option_name(sol::socket, so::rcvbuf) == "SO_RCVBUF");
  CHECK(option_name(sol::tcp, tcpopt::nodelay) == "TCP_NODELAY");
  CHECK(option_name(sol::tcp, tcpopt::keepalive) == "TCP_KEEPALIVE");
  CHECK(option_name(sol::ipv6, ipv6opt::v6only) == "IPV6_V6ONLY");
  // The name depends on the level: 4 is SO_REUSEADDR only at SOL_SOCKET.
  CHECK(option_name(sol::tcp, so::reuseaddr) == "TCP_KEEPINTVL");
  CHECK(option_name(sol::ip, so::reuseaddr) == "4");
}
