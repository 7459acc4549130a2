// Frames (PROTOCOL.md 4): the header layout, the CRC, the worked examples
// byte for byte, sizes at the limits, and the type table.
#include <catch2/catch.hpp>
#include <string>

#include "proxy_bytes.hpp"
#include "proxy_examples.hpp"
#include "usock/crc32.hpp"
#include "usock/proxy/frame.hpp"

using namespace usock::proxy;
using usock::test::from_hex;
using usock::test::kProtocolExamples;

namespace {

std::string encode(const Header& header, std::string_view payload) {
  std::string out;
  const std::size_t size = encode_frame(header, payload, out);
  CHECK(size == out.size());
  return out;
}

// The decoded body of one frame's wire bytes (delimiter dropped).
std::string body_of(std::string_view wire) {
  REQUIRE(!wire.empty());
  REQUIRE(wire.back() == '\0');
  std::string body(wire.size(), '\0');
  const auto size = cobs_decode(wire.substr(0, wire.size() - 1), body);
  REQUIRE(size);
  body.resize(*size);
  return body;
}

}  // namespace

TEST_CASE("the CRC is zlib's") {
  CHECK(usock::crc32("123456789") == 0xCBF43926u);
}

TEST_CASE("the frames of PROTOCOL.md 7.3 and 8.6 encode byte for byte") {
  for (const auto& example : kProtocolExamples) {
    INFO(example.name);
    CHECK(encode(example.header, from_hex(example.payload_hex)) == from_hex(example.wire_hex));
  }
}

TEST_CASE("the frames of PROTOCOL.md 7.3 and 8.6 parse to their header and payload") {
  for (const auto& example : kProtocolExamples) {
    INFO(example.name);
    const std::string body = body_of(from_hex(example.wire_hex));
    const auto frame = parse_body(body);
    REQUIRE(frame);
    CHECK(frame->header == example.header);
    CHECK(frame->payload == from_hex(example.payload_hex));
  }
}

TEST_CASE("HELLO_ACK of PROTOCOL.md 7.3 has the stated CRC and size") {
  const auto& example = kProtocolExamples[2];
  REQUIRE(example.header.type == FrameType::hello_ack);
  const std::string wire = encode(example.header, from_hex(example.payload_hex));
  CHECK(wire.size() == 135);
  CHECK(example.header.woff + wire.size() == 0x0248);
  const std::string body = body_of(wire);
  CHECK(body.substr(body.size() - 4) == from_hex("AE 8A 60 DC"));  // 0xDC608AAE
}

TEST_CASE("the header is laid out little-endian at the offsets of 4.1") {
  const Header header{FrameType::result, 0x1F, 0x12, 0x34, 0x5678, 0x9ABC, 0xDEF0, 0xFE};
  const std::string body = body_of(encode(header, "pay"));
  REQUIRE(body.size() == kMinBodySize + 3);
  CHECK(body.substr(0, 11) == from_hex("30 1F 12 34 78 56 BC 9A F0 DE FE"));
  CHECK(body.substr(11, 3) == "pay");
  const std::uint32_t crc = usock::crc32(std::string_view(body).substr(0, 14));
  CHECK(static_cast<std::uint8_t>(body[14]) == (crc & 0xFF));
  CHECK(static_cast<std::uint8_t>(body[17]) == crc >> 24);
}

TEST_CASE("frames of the largest size fit the announced bounds") {
  const Header header{FrameType::data, 0, 0, 0xFF, 0, 0, 0, 1};
  // Worst case for COBS: no zero anywhere, so every 254 bytes cost a code byte.
  const Header dense{FrameType::data, 0x10, 1, 2, 0x0303, 0x0404, 0x0505, 6};
  for (const std::size_t mtu : {std::size_t{256}, std::size_t{1024}, kHostMtu}) {
    INFO("mtu " << mtu);
    const std::string payload(mtu - kMinBodySize, '\x7F');
    CHECK(encode(header, payload).size() <= max_wire_size(mtu));
    CHECK(encode(dense, payload).size() <= max_wire_size(mtu));
  }
  CHECK(max_wire_size(kHostMtu) == 4114);
  CHECK(max_wire_size(1024) == 1030);
  CHECK(max_wire_size(kMinBodySize) == 17);
}

TEST_CASE("bodies too short or with a wrong CRC do not parse") {
  const std::string body = body_of(encode(Header{}, ""));
  REQUIRE(body.size() == kMinBodySize);
  CHECK(parse_body(body));
  CHECK_FALSE(parse_body(std::string_view(body).substr(1)));
  CHECK_FALSE(parse_body(""));
  for (std::size_t i = 0; i < body.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = body;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      INFO("byte " << i << " bit " << bit);
      CHECK_FALSE(parse_body(damaged));
    }
  }
}

TEST_CASE("an empty ACK is the smallest frame: 17 wire bytes") {
  CHECK(encode(Header{}, "").size() == 17);
}

TEST_CASE("the type table of 4.3") {
  CHECK(is_known(FrameType::hello));
  CHECK(is_known(FrameType::sockerr));
  for (const int unknown : {0x00, 0x07, 0x0B, 0x0F, 0x1E, 0x23, 0x2F, 0x34, 0xFF}) {
    INFO(unknown);
    CHECK_FALSE(is_known(static_cast<FrameType>(unknown)));
  }
  CHECK(frame_type_name(FrameType::hello_ack) == "HELLO_ACK");
  CHECK(frame_type_name(static_cast<FrameType>(0x0B)) == "0x0B");

  CHECK_FALSE(is_sequenced(FrameType::reset));
  CHECK_FALSE(is_sequenced(FrameType::ack));
  CHECK(is_sequenced(FrameType::bye));
  CHECK(is_sequenced(FrameType::data));

  CHECK(may_send(Side::device, FrameType::announce));
  CHECK_FALSE(may_send(Side::host, FrameType::announce));  // so 03 03 never starts a host frame
  CHECK(may_send(Side::host, FrameType::cancel));
  CHECK_FALSE(may_send(Side::device, FrameType::connect));
  CHECK(may_send(Side::host, FrameType::data));
  CHECK(may_send(Side::device, FrameType::data));
  CHECK(may_send(Side::device, FrameType::result));
  CHECK_FALSE(may_send(Side::host, FrameType::result));
  CHECK_FALSE(may_send(Side::host, static_cast<FrameType>(0x07)));
}
