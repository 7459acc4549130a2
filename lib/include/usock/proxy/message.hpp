#pragma once
// The messages a frame carries (PROTOCOL.md 7, 8): one struct per frame
// type, the payload encoder, and a decoder that checks every length, range
// and header field the protocol fixes. Strings and bytes view the payload
// they were decoded from, or the caller's data when encoding: a message is
// cheap to make and holds nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "usock/proxy/frame.hpp"
#include "usock/sockaddr.hpp"

namespace usock::proxy {

inline constexpr std::string_view kMagic = "uSoK";
inline constexpr std::uint8_t kVersion = 1;
// PROTOCOL.md 6.1: offsets are never compared across more than this.
inline constexpr std::uint16_t kMaxRxWindow = 16384;
inline constexpr std::uint8_t kMaxTxWindow = 64;
// PROTOCOL.md 8.2: the board's error text is cut to this.
inline constexpr std::size_t kMaxErrorText = 120;

// HELLO flags.
namespace hello_flag {
inline constexpr std::uint16_t send_log = 0x0001;
}  // namespace hello_flag

// HELLO_ACK caps: what the board can do (PROTOCOL.md 7.2).
namespace cap {
inline constexpr std::uint32_t inet6 = 1u << 0;
inline constexpr std::uint32_t udp = 1u << 1;
inline constexpr std::uint32_t listen = 1u << 2;
inline constexpr std::uint32_t getsockname = 1u << 3;
inline constexpr std::uint32_t getpeername = 1u << 4;
inline constexpr std::uint32_t shutdown = 1u << 5;
inline constexpr std::uint32_t getsockopt = 1u << 6;
inline constexpr std::uint32_t getnameinfo = 1u << 7;
inline constexpr std::uint32_t async_dns = 1u << 8;
inline constexpr std::uint32_t nonblock_connect = 1u << 9;
inline constexpr std::uint32_t tcp_state = 1u << 10;
inline constexpr std::uint32_t canonname = 1u << 11;
inline constexpr std::uint32_t raw_sockaddr = 1u << 12;
}  // namespace cap

// Session messages (PROTOCOL.md 5, 7).

struct Hello {
  static constexpr FrameType type = FrameType::hello;
  std::uint8_t vmin = kVersion;
  std::uint8_t vmax = kVersion;
  std::uint32_t nonce = 0;
  std::uint16_t rx_win = 0;
  std::uint16_t mtu = 0;
  std::uint8_t txw = 0;
  std::uint32_t sockwin = 0;
  std::uint8_t acceptwin = 0;
  std::uint16_t flags = 0;  // hello_flag; unknown bits are kept, not refused
  std::string_view name;
};

struct HelloAck {
  static constexpr FrameType type = FrameType::hello_ack;
  std::uint8_t version = 0;  // 0: no common version, and nothing below vmax is read
  std::uint8_t vmin = kVersion;
  std::uint8_t vmax = kVersion;
  std::uint32_t nonce = 0;
  std::uint32_t boot_id = 0;
  std::uint16_t rx_win = 0;
  std::uint16_t rx_safe = 0;
  std::uint16_t mtu = 0;
  std::uint8_t txw = 0;
  std::uint8_t max_sockets = 0;
  std::uint32_t sock_buf = 0;
  std::uint16_t max_msg = 0;
  std::uint16_t max_block_ms = 0;
  std::uint32_t caps = 0;  // cap; unknown bits are kept, not refused
  std::uint32_t baud = 0;
  std::uint32_t mem_free = 0;
  std::uint32_t mem_alloc = 0;
  std::string_view platform;
  std::string_view impl;
  std::string_view machine;
  std::string_view agent;
};

struct Announce {
  static constexpr FrameType type = FrameType::announce;
  std::uint8_t vmin = kVersion;
  std::uint8_t vmax = kVersion;
  std::uint32_t boot_id = 0;
};

// POLL and FINAL ride in the header's flags.
struct Ack {
  static constexpr FrameType type = FrameType::ack;
};

enum class NakReason : std::uint8_t { damaged = 1, gap = 2, too_long = 3 };

struct Nak {
  static constexpr FrameType type = FrameType::nak;
  NakReason reason = NakReason::damaged;
  // From a receiver that keeps frames after a gap (PROTOCOL.md 5.3): bit i
  // set when frame `ack + 2 + i` is held, so the sender resends only what
  // is missing. Absent from a receiver that keeps nothing (go-back-N).
  std::optional<std::uint64_t> held;
};

enum class ResetReason : std::uint8_t {
  no_session = 1,
  version = 2,
  protocol = 3,
  interrupted = 4,
  no_memory = 5,
  peer_silent = 6,
  shutdown = 7,
};

struct Reset {
  static constexpr FrameType type = FrameType::reset;
  ResetReason reason = ResetReason::protocol;
  std::uint32_t boot_id = 0;
  std::string_view detail;
};

struct Bye {
  static constexpr FrameType type = FrameType::bye;
  bool exit = true;  // the agent returns to the REPL rather than announcing again
};

struct ByeAck {
  static constexpr FrameType type = FrameType::bye_ack;
};

enum class LogLevel : std::uint8_t { error = 1, warning = 2, info = 3, debug = 4 };

struct Log {
  static constexpr FrameType type = FrameType::log;
  LogLevel level = LogLevel::info;
  std::string_view text;
};

// Calls (PROTOCOL.md 8.3). Numbers are the portable ones of constants.hpp,
// at the width the wire gives them.

struct GetAddrInfoCall {
  static constexpr FrameType type = FrameType::getaddrinfo;
  std::optional<std::string_view> host;
  std::optional<std::uint16_t> port;
  std::uint8_t family = 0;
  std::uint8_t socktype = 0;
  std::uint8_t proto = 0;
  std::uint8_t flags = 0;
};

struct GetNameInfoCall {
  static constexpr FrameType type = FrameType::getnameinfo;
  std::uint8_t flags = 0;
  SockAddr addr;
};

struct SocketCall {
  static constexpr FrameType type = FrameType::socket;
  std::uint8_t family = 0;
  std::uint8_t socktype = 0;
  std::uint8_t proto = 0;
};

struct SetSockOptCall {
  static constexpr FrameType type = FrameType::setsockopt;
  std::uint16_t level = 0;
  std::uint16_t optname = 0;
  std::string_view value;
};

struct GetSockOptCall {
  static constexpr FrameType type = FrameType::getsockopt;
  std::uint16_t level = 0;
  std::uint16_t optname = 0;
  std::uint8_t size = 0;
};

struct BindCall {
  static constexpr FrameType type = FrameType::bind;
  SockAddr addr;
};

struct ListenCall {
  static constexpr FrameType type = FrameType::listen;
  std::uint16_t backlog = 0;
};

struct ConnectCall {
  static constexpr FrameType type = FrameType::connect;
  SockAddr addr;
};

enum class ShutdownHow : std::uint8_t { read = 0, write = 1, both = 2 };

struct ShutdownCall {
  static constexpr FrameType type = FrameType::shutdown;
  ShutdownHow how = ShutdownHow::both;
};

struct CloseCall {
  static constexpr FrameType type = FrameType::close;
};

struct GetSockNameCall {
  static constexpr FrameType type = FrameType::getsockname;
};

struct GetPeerNameCall {
  static constexpr FrameType type = FrameType::getpeername;
};

struct PollEntry {
  std::uint8_t sock = 0;
  std::uint8_t events = 0;  // pollev bits, or revents in a result
  bool operator==(const PollEntry&) const = default;
};

struct PollCall {
  static constexpr FrameType type = FrameType::poll;
  std::vector<PollEntry> entries;
};

// The header's req and sock name the call to cancel.
struct CancelCall {
  static constexpr FrameType type = FrameType::cancel;
};

// Data and credit (PROTOCOL.md 8.4). A limit, when present, travels in the
// WND prefix: socket credit for the reverse direction.

struct Data {
  static constexpr FrameType type = FrameType::data;
  std::optional<std::uint32_t> limit;
  std::string_view bytes;  // never empty
};

struct Dgram {
  static constexpr FrameType type = FrameType::dgram;
  std::optional<std::uint32_t> limit;
  SockAddr addr;  // unspecified: the connected peer (host to device), unknown (device to host)
  std::string_view bytes;
};

struct Window {
  static constexpr FrameType type = FrameType::window;
  std::uint32_t limit = 0;
};

// Results and events (PROTOCOL.md 8.2, 8.5).

struct Result {
  static constexpr FrameType type = FrameType::result;
  std::int16_t code = 0;  // 0 success; > 0 errno (Linux); < 0 resolver error (glibc EAI_*)
  // On failure: the board's own number and message, for -v.
  std::int32_t native = 0;
  std::string_view text;
  // On success: the call's result, decoded by decode_result_body.
  std::string_view body;
};

struct Accepted {
  static constexpr FrameType type = FrameType::accepted;
  std::uint8_t sock = 0;  // the new socket's id, 128-254
  SockAddr peer;
  SockAddr local;
};

struct Eof {
  static constexpr FrameType type = FrameType::eof;
};

struct SockErr {
  static constexpr FrameType type = FrameType::sockerr;
  std::int16_t code = 0;  // errno (Linux)
  std::int32_t native = 0;
  std::string_view text;
};

using Message =
    std::variant<Hello, HelloAck, Announce, Ack, Nak, Reset, Bye, ByeAck, Log, GetAddrInfoCall,
                 GetNameInfoCall, SocketCall, SetSockOptCall, GetSockOptCall, BindCall, ListenCall,
                 ConnectCall, ShutdownCall, CloseCall, GetSockNameCall, GetPeerNameCall, PollCall,
                 CancelCall, Data, Dgram, Window, Result, Accepted, Eof, SockErr>;

FrameType message_type(const Message& message);

// Appends the payload of `message` to `out` and returns the header flags it
// needs (WND when a limit rides along). Throws std::length_error when a
// string does not fit its field (the caller cuts first, see cut_utf8).
std::uint8_t encode_payload(const Message& message, std::string& out);

// Decodes the payload of a frame (a whole message: fragments are joined
// first) with the header it came in. Throws MalformedMessage when the type
// is unknown, req or sock break the rules of PROTOCOL.md 4.3, a flag does
// not belong to the type, or the payload is not exactly what the type
// requires.
Message decode_message(const Header& header, std::string_view payload);

// RESULT bodies, by the call they answer (PROTOCOL.md 8.3).

struct AddrInfoEntry {
  std::uint8_t socktype = 0;
  std::uint8_t proto = 0;
  std::string_view canonname;
  SockAddr addr;
};

struct AddrInfoResult {
  std::vector<AddrInfoEntry> entries;
};

struct NameInfoResult {
  std::string_view host;
  std::string_view service;
};

struct OptionResult {
  std::string_view value;
};

// bind, connect (the local address), getsockname, getpeername.
struct AddressResult {
  SockAddr addr;
};

struct PollResult {
  std::vector<PollEntry> entries;
};

// std::monostate: a call whose success carries nothing.
using ResultBody = std::variant<std::monostate, AddrInfoResult, NameInfoResult, OptionResult,
                                AddressResult, PollResult>;

void encode_result_body(const ResultBody& body, std::string& out);
// Throws MalformedMessage when `body` is not what a success of `call` returns.
ResultBody decode_result_body(FrameType call, std::string_view body);

// The longest prefix of `text` of at most `size` bytes that does not cut a
// UTF-8 character, for error texts and details.
std::string_view cut_utf8(std::string_view text, std::size_t size);

}  // namespace usock::proxy
