#pragma once
// A frame of the serial-proxy protocol (PROTOCOL.md 4): an 11-byte header,
// a payload and a CRC-32, COBS-encoded and ended by 0x00 on the wire.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "usock/proxy/cobs.hpp"

namespace usock::proxy {

enum class FrameType : std::uint8_t {
  hello = 0x01,
  hello_ack = 0x02,
  announce = 0x03,
  ack = 0x04,
  nak = 0x05,
  reset = 0x06,
  bye = 0x08,
  bye_ack = 0x09,
  log = 0x0A,
  getaddrinfo = 0x10,
  getnameinfo = 0x11,
  socket = 0x12,
  setsockopt = 0x13,
  getsockopt = 0x14,
  bind = 0x15,
  listen = 0x16,
  connect = 0x17,
  shutdown = 0x18,
  close = 0x19,
  getsockname = 0x1A,
  getpeername = 0x1B,
  poll = 0x1C,
  cancel = 0x1D,
  data = 0x20,
  dgram = 0x21,
  window = 0x22,
  result = 0x30,
  accepted = 0x31,
  eof = 0x32,
  sockerr = 0x33,
};

// Header flag bits (PROTOCOL.md 4.1); the rest are reserved: sent as 0,
// ignored on receipt.
namespace frame_flag {
inline constexpr std::uint8_t poll = 0x01;
inline constexpr std::uint8_t final = 0x02;
inline constexpr std::uint8_t more = 0x04;
inline constexpr std::uint8_t retx = 0x08;
inline constexpr std::uint8_t wnd = 0x10;
}  // namespace frame_flag

struct Header {
  FrameType type = FrameType::ack;
  std::uint8_t flags = 0;
  std::uint8_t seq = 0;
  std::uint8_t ack = 0xFF;
  std::uint16_t credit = 0;
  std::uint16_t woff = 0;
  std::uint16_t req = 0;
  std::uint8_t sock = 0;

  bool operator==(const Header&) const = default;
};

inline constexpr std::size_t kHeaderSize = 11;
inline constexpr std::size_t kCrcSize = 4;
inline constexpr std::size_t kMinBodySize = kHeaderSize + kCrcSize;
// Every frame before the handshake, HELLO and HELLO_ACK included, fits.
inline constexpr std::size_t kHandshakeMtu = 256;
// What the host accepts and announces in HELLO.
inline constexpr std::size_t kHostMtu = 4096;

// Wire bytes of a frame whose decoded body is `body_size` long, delimiter
// included, leading extra 0x00 not.
constexpr std::size_t max_wire_size(std::size_t body_size) {
  return cobs_max_size(body_size) + 1;
}

enum class Side { host, device };

bool is_known(FrameType type);
// "HELLO", "GETADDRINFO"; "0x0B" for an unknown type.
std::string frame_type_name(FrameType type);
// Unsequenced link-control frames (0x01-0x07) carry no sequence number of
// their own; every other type is sequenced (PROTOCOL.md 4.3).
bool is_sequenced(FrameType type);
// Whether `side` may send frames of `type`; a frame from the other
// direction is a protocol error.
bool may_send(Side side, FrameType type);

// Appends the frame, COBS-encoded and ended by its 0x00, to `out`; returns
// the number of wire bytes appended. The CRC is computed here.
std::size_t encode_frame(const Header& header, std::string_view payload, std::string& out);

// A decoded body that passed the CRC check. The payload views the body.
struct Frame {
  Header header;
  std::string_view payload;
};

// Splits a decoded body into header and payload; nullopt when it is shorter
// than kMinBodySize or its CRC does not match. The type is not judged here.
std::optional<Frame> parse_body(std::string_view body);

}  // namespace usock::proxy
