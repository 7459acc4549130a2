#include "usock/proxy/frame.hpp"

#include "usock/crc32.hpp"
#include "usock/proxy/wire.hpp"

namespace usock::proxy {

std::string frame_type_name(FrameType type) {
  switch (type) {
    case FrameType::hello:
      return "HELLO";
    case FrameType::hello_ack:
      return "HELLO_ACK";
    case FrameType::announce:
      return "ANNOUNCE";
    case FrameType::ack:
      return "ACK";
    case FrameType::nak:
      return "NAK";
    case FrameType::reset:
      return "RESET";
    case FrameType::bye:
      return "BYE";
    case FrameType::bye_ack:
      return "BYE_ACK";
    case FrameType::log:
      return "LOG";
    case FrameType::getaddrinfo:
      return "GETADDRINFO";
    case FrameType::getnameinfo:
      return "GETNAMEINFO";
    case FrameType::socket:
      return "SOCKET";
    case FrameType::setsockopt:
      return "SETSOCKOPT";
    case FrameType::getsockopt:
      return "GETSOCKOPT";
    case FrameType::bind:
      return "BIND";
    case FrameType::listen:
      return "LISTEN";
    case FrameType::connect:
      return "CONNECT";
    case FrameType::shutdown:
      return "SHUTDOWN";
    case FrameType::close:
      return "CLOSE";
    case FrameType::getsockname:
      return "GETSOCKNAME";
    case FrameType::getpeername:
      return "GETPEERNAME";
    case FrameType::poll:
      return "POLL";
    case FrameType::cancel:
      return "CANCEL";
    case FrameType::data:
      return "DATA";
    case FrameType::dgram:
      return "DGRAM";
    case FrameType::window:
      return "WINDOW";
    case FrameType::result:
      return "RESULT";
    case FrameType::accepted:
      return "ACCEPTED";
    case FrameType::eof:
      return "EOF";
    case FrameType::sockerr:
      return "SOCKERR";
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto value = static_cast<std::uint8_t>(type);
  return {'0', 'x', kHex[value >> 4], kHex[value & 0xF]};
}

bool is_known(FrameType type) {
  return frame_type_name(type)[0] != '0';
}

bool is_sequenced(FrameType type) {
  return static_cast<std::uint8_t>(type) > 0x07;
}

bool may_send(Side side, FrameType type) {
  switch (type) {
    case FrameType::ack:
    case FrameType::nak:
    case FrameType::reset:
    case FrameType::data:
    case FrameType::dgram:
    case FrameType::window:
      return true;
    case FrameType::hello_ack:
    case FrameType::announce:
    case FrameType::bye_ack:
    case FrameType::log:
    case FrameType::result:
    case FrameType::accepted:
    case FrameType::eof:
    case FrameType::sockerr:
      return side == Side::device;
    case FrameType::hello:
    case FrameType::bye:
    case FrameType::getaddrinfo:
    case FrameType::getnameinfo:
    case FrameType::socket:
    case FrameType::setsockopt:
    case FrameType::getsockopt:
    case FrameType::bind:
    case FrameType::listen:
    case FrameType::connect:
    case FrameType::shutdown:
    case FrameType::close:
    case FrameType::getsockname:
    case FrameType::getpeername:
    case FrameType::poll:
    case FrameType::cancel:
      return side == Side::host;
  }
  return false;
}

std::size_t encode_frame(const Header& header, std::string_view payload, std::string& out) {
  std::string head;
  WireWriter writer(head);
  writer.u8(static_cast<std::uint8_t>(header.type));
  writer.u8(header.flags);
  writer.u8(header.seq);
  writer.u8(header.ack);
  writer.u16(header.credit);
  writer.u16(header.woff);
  writer.u16(header.req);
  writer.u8(header.sock);

  std::string crc;
  WireWriter(crc).u32(usock::crc32(payload, usock::crc32(head)));

  const std::size_t start = out.size();
  CobsEncoder encoder(out);
  encoder.write(head);
  encoder.write(payload);
  encoder.write(crc);
  encoder.finish();
  out.push_back('\0');
  return out.size() - start;
}

std::optional<Frame> parse_body(std::string_view body) {
  if (body.size() < kMinBodySize) return std::nullopt;
  const std::string_view covered = body.substr(0, body.size() - kCrcSize);
  WireReader crc_reader(body.substr(covered.size()));
  if (crc_reader.u32("crc") != usock::crc32(covered)) return std::nullopt;

  WireReader reader(covered);
  Frame frame;
  frame.header.type = static_cast<FrameType>(reader.u8("type"));
  frame.header.flags = reader.u8("flags");
  frame.header.seq = reader.u8("seq");
  frame.header.ack = reader.u8("ack");
  frame.header.credit = reader.u16("credit");
  frame.header.woff = reader.u16("woff");
  frame.header.req = reader.u16("req");
  frame.header.sock = reader.u8("sock");
  frame.payload = reader.rest();
  return frame;
}

}  // namespace usock::proxy
