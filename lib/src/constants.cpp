#include "usock/constants.hpp"

namespace usock {

std::string family_name(Family family) {
  switch (family) {
    case Family::unspec:
      return "AF_UNSPEC";
    case Family::inet:
      return "AF_INET";
    case Family::inet6:
      return "AF_INET6";
  }
  return std::to_string(static_cast<int>(family));
}

std::string socktype_name(SockType type) {
  switch (type) {
    case SockType::any:
      return "0";
    case SockType::stream:
      return "SOCK_STREAM";
    case SockType::dgram:
      return "SOCK_DGRAM";
    case SockType::raw:
      return "SOCK_RAW";
  }
  return std::to_string(static_cast<int>(type));
}

std::string proto_name(int proto) {
  switch (proto) {
    case proto::tcp:
      return "IPPROTO_TCP";
    case proto::udp:
      return "IPPROTO_UDP";
    default:
      return std::to_string(proto);
  }
}

std::string tcp_state_name(TcpState state) {
  switch (state) {
    case TcpState::unknown:
      return "UNKNOWN";
    case TcpState::closed:
      return "CLOSED";
    case TcpState::listen:
      return "LISTEN";
    case TcpState::syn_sent:
      return "SYN_SENT";
    case TcpState::syn_rcvd:
      return "SYN_RCVD";
    case TcpState::established:
      return "ESTABLISHED";
    case TcpState::fin_wait_1:
      return "FIN_WAIT_1";
    case TcpState::fin_wait_2:
      return "FIN_WAIT_2";
    case TcpState::close_wait:
      return "CLOSE_WAIT";
    case TcpState::closing:
      return "CLOSING";
    case TcpState::last_ack:
      return "LAST_ACK";
    case TcpState::time_wait:
      return "TIME_WAIT";
  }
  return std::to_string(static_cast<int>(state));
}

}  // namespace usock

namespace usock {

std::string level_name(int level) {
  switch (level) {
    case sol::socket:
      return "SOL_SOCKET";
    case sol::ip:
      return "IPPROTO_IP";
    case sol::tcp:
      return "IPPROTO_TCP";
    case sol::ipv6:
      return "IPPROTO_IPV6";
    default:
      return std::to_string(level);
  }
}

std::string option_name(int level, int optname) {
  struct Named {
    int level;
    int optname;
    const char* name;
  };
  static constexpr Named kNames[] = {
      {sol::socket, so::reuseaddr, "SO_REUSEADDR"},
      {sol::socket, so::keepalive, "SO_KEEPALIVE"},
      {sol::socket, so::broadcast, "SO_BROADCAST"},
      {sol::socket, so::linger, "SO_LINGER"},
      {sol::socket, so::reuseport, "SO_REUSEPORT"},
      {sol::socket, so::sndbuf, "SO_SNDBUF"},
      {sol::socket, so::rcvbuf, "SO_RCVBUF"},
      {sol::socket, so::sndtimeo, "SO_SNDTIMEO"},
      {sol::socket, so::rcvtimeo, "SO_RCVTIMEO"},
      {sol::socket, so::error, "SO_ERROR"},
      {sol::socket, so::type, "SO_TYPE"},
      {sol::tcp, tcpopt::nodelay, "TCP_NODELAY"},
      {sol::tcp, tcpopt::keepalive, "TCP_KEEPALIVE"},
      {sol::tcp, tcpopt::keepidle, "TCP_KEEPIDLE"},
      {sol::tcp, tcpopt::keepintvl, "TCP_KEEPINTVL"},
      {sol::tcp, tcpopt::keepcnt, "TCP_KEEPCNT"},
      {sol::ip, ipopt::tos, "IP_TOS"},
      {sol::ip, ipopt::ttl, "IP_TTL"},
      {sol::ipv6, ipv6opt::v6only, "IPV6_V6ONLY"},
  };
  for (const auto& named : kNames) {
    if (named.level == level && named.optname == optname) return named.name;
  }
  return std::to_string(optname);
}

}  // namespace usock
