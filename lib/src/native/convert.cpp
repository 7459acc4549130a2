#include "convert.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "usock/error.hpp"

namespace usock::native {

NativeAddr to_native(const SockAddr& addr) {
  NativeAddr out;
  switch (addr.family()) {
    case Family::inet: {
      auto* in = reinterpret_cast<sockaddr_in*>(&out.storage);
      in->sin_family = AF_INET;
      in->sin_port = htons(addr.port());
      std::memcpy(&in->sin_addr, addr.bytes().data(), 4);
      out.length = sizeof(sockaddr_in);
      return out;
    }
    case Family::inet6: {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(addr.port());
      in6->sin6_flowinfo = htonl(addr.flowinfo());
      in6->sin6_scope_id = addr.scope_id();
      std::memcpy(&in6->sin6_addr, addr.bytes().data(), 16);
      out.length = sizeof(sockaddr_in6);
      return out;
    }
    case Family::unspec:
      break;
  }
  throw OSError::from_errno(EAFNOSUPPORT);
}

SockAddr from_native(const sockaddr* addr, socklen_t length) {
  if (addr->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    std::array<std::uint8_t, 4> bytes{};
    std::memcpy(bytes.data(), &in->sin_addr, 4);
    return SockAddr::ipv4(bytes, ntohs(in->sin_port));
  }
  if (addr->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &in6->sin6_addr, 16);
    return SockAddr::ipv6(bytes, ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo),
                          in6->sin6_scope_id);
  }
  return SockAddr{};
}

int to_native(Family family) {
  switch (family) {
    case Family::unspec:
      return AF_UNSPEC;
    case Family::inet:
      return AF_INET;
    case Family::inet6:
      return AF_INET6;
  }
  throw OSError::from_errno(EAFNOSUPPORT);
}

std::optional<Family> from_native_family(int family) {
  switch (family) {
    case AF_INET:
      return Family::inet;
    case AF_INET6:
      return Family::inet6;
    default:
      return std::nullopt;
  }
}

int to_native(SockType type) {
  switch (type) {
    case SockType::any:
      return 0;
    case SockType::stream:
      return SOCK_STREAM;
    case SockType::dgram:
      return SOCK_DGRAM;
    case SockType::raw:
      return SOCK_RAW;
  }
  // Numbers we have no name for are passed through: the kernel judges them.
  return static_cast<int>(type);
}

int to_native_ai_flags(int flags) {
  struct Pair {
    int portable;
    int native;
  };
  static constexpr Pair kPairs[] = {
      {ai::passive, AI_PASSIVE},         {ai::canonname, AI_CANONNAME},
      {ai::numerichost, AI_NUMERICHOST}, {ai::numericserv, AI_NUMERICSERV},
      {ai::v4mapped, AI_V4MAPPED},       {ai::all, AI_ALL},
      {ai::addrconfig, AI_ADDRCONFIG},
  };
  int out = 0;
  for (const auto& pair : kPairs) {
    if (flags & pair.portable) {
      out |= pair.native;
      flags &= ~pair.portable;
    }
  }
  if (flags != 0) throw OSError::from_resolver(eai::badflags);
  return out;
}

int to_native_msg_flags(int flags) {
  int out = 0;
  if (flags & msg::peek) out |= MSG_PEEK;
  if (flags & msg::dontwait) out |= MSG_DONTWAIT;
  if (flags & ~(msg::peek | msg::dontwait)) throw OSError::from_errno(EOPNOTSUPP);
  return out;
}

TcpState from_native_tcp_state(int state) {
  switch (state) {
    case TCP_ESTABLISHED:
      return TcpState::established;
    case TCP_SYN_SENT:
      return TcpState::syn_sent;
    case TCP_SYN_RECV:
      return TcpState::syn_rcvd;
    case TCP_FIN_WAIT1:
      return TcpState::fin_wait_1;
    case TCP_FIN_WAIT2:
      return TcpState::fin_wait_2;
    case TCP_TIME_WAIT:
      return TcpState::time_wait;
    case TCP_CLOSE:
      return TcpState::closed;
    case TCP_CLOSE_WAIT:
      return TcpState::close_wait;
    case TCP_LAST_ACK:
      return TcpState::last_ack;
    case TCP_LISTEN:
      return TcpState::listen;
    case TCP_CLOSING:
      return TcpState::closing;
    default:
      return TcpState::unknown;
  }
}

NativeOption to_native_option(int level, int optname) {
  struct Entry {
    int level;
    int optname;
    NativeOption native;
  };
  static constexpr Entry kOptions[] = {
      {sol::socket, so::reuseaddr, {SOL_SOCKET, SO_REUSEADDR}},
      {sol::socket, so::keepalive, {SOL_SOCKET, SO_KEEPALIVE}},
      {sol::socket, so::broadcast, {SOL_SOCKET, SO_BROADCAST}},
      {sol::socket, so::linger, {SOL_SOCKET, SO_LINGER}},
      {sol::socket, so::reuseport, {SOL_SOCKET, SO_REUSEPORT}},
      {sol::socket, so::sndbuf, {SOL_SOCKET, SO_SNDBUF}},
      {sol::socket, so::rcvbuf, {SOL_SOCKET, SO_RCVBUF}},
      {sol::socket, so::error, {SOL_SOCKET, SO_ERROR}},
      {sol::socket, so::type, {SOL_SOCKET, SO_TYPE}},
      {sol::tcp, tcpopt::nodelay, {IPPROTO_TCP, TCP_NODELAY}},
      {sol::tcp, tcpopt::keepidle, {IPPROTO_TCP, TCP_KEEPIDLE}},
      {sol::tcp, tcpopt::keepintvl, {IPPROTO_TCP, TCP_KEEPINTVL}},
      {sol::tcp, tcpopt::keepcnt, {IPPROTO_TCP, TCP_KEEPCNT}},
      {sol::ip, ipopt::tos, {IPPROTO_IP, IP_TOS}},
      {sol::ip, ipopt::ttl, {IPPROTO_IP, IP_TTL}},
      {sol::ipv6, ipv6opt::v6only, {IPPROTO_IPV6, IPV6_V6ONLY}},
  };
  for (const auto& entry : kOptions) {
    if (entry.level == level && entry.optname == optname) return entry.native;
  }
  // SO_SNDTIMEO/SO_RCVTIMEO land here on purpose: timeouts are settimeout()'s
  // job, as the kernel's own would never fire on our non-blocking sockets.
  throw OSError::from_errno(ENOPROTOOPT);
}

void raise_errno(int code) {
  throw OSError::from_errno(code);
}

}  // namespace usock::native
