#pragma once
// The socket module's constants, numbered as MicroPython numbers them on a
// board (lwIP). These are the library's portable numbers: every Stack
// translates them to and from its own (Linux uses SOL_SOCKET=1, a board 4095).
// The names drop the C prefixes because <sys/socket.h> defines the prefixed
// ones as macros.

#include <string>

namespace usock {

enum class Family : int { unspec = 0, inet = 2, inet6 = 10 };
enum class SockType : int { any = 0, stream = 1, dgram = 2, raw = 3 };

namespace proto {
inline constexpr int any = 0;
inline constexpr int ip = 0;
inline constexpr int tcp = 6;
inline constexpr int udp = 17;
inline constexpr int ipv6 = 41;
}  // namespace proto

// Option levels and names for setsockopt(level, optname, value).
namespace sol {
inline constexpr int socket = 4095;
inline constexpr int ip = proto::ip;
inline constexpr int tcp = proto::tcp;
inline constexpr int ipv6 = proto::ipv6;
}  // namespace sol

namespace so {
inline constexpr int reuseaddr = 0x0004;
inline constexpr int keepalive = 0x0008;
inline constexpr int broadcast = 0x0020;
inline constexpr int linger = 0x0080;
inline constexpr int reuseport = 0x0200;
inline constexpr int sndbuf = 0x1001;
inline constexpr int rcvbuf = 0x1002;
inline constexpr int sndtimeo = 0x1005;
inline constexpr int rcvtimeo = 0x1006;
inline constexpr int error = 0x1007;
inline constexpr int type = 0x1008;
}  // namespace so

namespace tcpopt {
inline constexpr int nodelay = 0x01;
// QuecPython's TCP_KEEPALIVE: keep-alive interval in minutes.
inline constexpr int keepalive = 0x02;
inline constexpr int keepidle = 0x03;
inline constexpr int keepintvl = 0x04;
inline constexpr int keepcnt = 0x05;
}  // namespace tcpopt

namespace ipopt {
inline constexpr int tos = 1;
inline constexpr int ttl = 2;
}  // namespace ipopt

namespace ipv6opt {
inline constexpr int v6only = 27;
}  // namespace ipv6opt

namespace msg {
inline constexpr int peek = 0x01;
inline constexpr int dontwait = 0x08;
}  // namespace msg

namespace ai {
inline constexpr int passive = 0x01;
inline constexpr int canonname = 0x02;
inline constexpr int numerichost = 0x04;
inline constexpr int numericserv = 0x08;
inline constexpr int v4mapped = 0x10;
inline constexpr int all = 0x20;
inline constexpr int addrconfig = 0x40;
}  // namespace ai

namespace ni {
inline constexpr int numerichost = 0x01;
inline constexpr int numericserv = 0x02;
inline constexpr int nofqdn = 0x04;
inline constexpr int namereqd = 0x08;
inline constexpr int dgram = 0x10;
}  // namespace ni

// select.poll event bits; MicroPython and Linux agree on these.
namespace pollev {
inline constexpr unsigned in = 0x0001;
inline constexpr unsigned out = 0x0004;
inline constexpr unsigned err = 0x0008;
inline constexpr unsigned hup = 0x0010;
}  // namespace pollev

// QuecPython's getsocketsta() numbering of TCP states.
enum class TcpState : int {
  unknown = -1,
  closed = 0,
  listen = 1,
  syn_sent = 2,
  syn_rcvd = 3,
  established = 4,
  fin_wait_1 = 5,
  fin_wait_2 = 6,
  close_wait = 7,
  closing = 8,
  last_ack = 9,
  time_wait = 10,
};

// Symbolic names as the socket module spells them ("AF_INET"); a number with
// no name comes back as its decimal digits.
std::string family_name(Family family);
std::string socktype_name(SockType type);
std::string proto_name(int proto);
std::string tcp_state_name(TcpState state);
// setsockopt levels and options as the socket module names them
// ("SOL_SOCKET", "SO_REUSEADDR"), for narrating calls.
std::string level_name(int level);
std::string option_name(int level, int optname);

}  // namespace usock
