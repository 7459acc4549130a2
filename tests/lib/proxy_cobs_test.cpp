// COBS (PROTOCOL.md 3.1): the document's test vectors, every block boundary,
// round trips, and runs no encoder makes.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "proxy_bytes.hpp"
#include "usock/proxy/cobs.hpp"

using usock::proxy::cobs_decode;
using usock::proxy::cobs_encode;
using usock::proxy::cobs_max_size;
using usock::proxy::CobsEncoder;
using usock::test::from_hex;

namespace {

std::string encode(std::string_view data) {
  std::string out;
  cobs_encode(data, out);
  return out;
}

std::optional<std::string> decode(std::string_view run) {
  std::string out(run.size(), '\x55');
  const auto size = cobs_decode(run, out);
  if (!size) return std::nullopt;
  out.resize(*size);
  return out;
}

}  // namespace

TEST_CASE("the vectors of PROTOCOL.md 3.1 encode and decode") {
  CHECK(encode(from_hex("11 22 00 33")) == from_hex("03 11 22 02 33"));
  CHECK(decode(from_hex("03 11 22 02 33")) == from_hex("11 22 00 33"));
  CHECK(encode(std::string(1, '\0')) == from_hex("01 01"));
  CHECK(decode(from_hex("01 01")) == std::string(1, '\0'));

  const std::string ones253(253, '\x01');
  CHECK(encode(ones253) == "\xFE" + ones253);
  CHECK(decode("\xFE" + ones253) == ones253);

  const std::string ones254(254, '\x01');
  CHECK(encode(ones254) == "\xFF" + ones254 + "\x01");
  CHECK(encode(ones254).size() == 256);
  CHECK(decode("\xFF" + ones254 + "\x01") == ones254);
  CHECK(decode("\xFF" + ones254) == ones254);  // the final 0x01 may be left out
}

TEST_CASE("empty input encodes to one code byte") {
  CHECK(encode("") == from_hex("01"));
  CHECK(decode(from_hex("01")) == "");
  CHECK(decode("") == "");
}

TEST_CASE("zeros at the edges and in runs") {
  CHECK(encode(from_hex("00 00")) == from_hex("01 01 01"));
  CHECK(encode(from_hex("00 11")) == from_hex("01 02 11"));
  CHECK(encode(from_hex("11 00")) == from_hex("02 11 01"));
  CHECK(encode(from_hex("11 22 33 44")) == from_hex("05 11 22 33 44"));
  CHECK(decode(from_hex("01 01 01")) == from_hex("00 00"));
}

TEST_CASE("a zero right after a full block opens a block of its own") {
  const std::string block(254, '\x7A');
  CHECK(encode(block + '\0') == "\xFF" + block + "\x01\x01");
  CHECK(decode("\xFF" + block + "\x01\x01") == block + '\0');
  CHECK(encode(block + 'b') == "\xFF" + block +
                                   "\x02"
                                   "b");
  CHECK(encode(std::string(508, 'c')) ==
        "\xFF" + std::string(254, 'c') + "\xFF" + std::string(254, 'c') + "\x01");
}

TEST_CASE("every size to 1100 bytes round-trips within the size bound") {
  std::mt19937 random(1);
  for (std::size_t size = 0; size <= 1100; ++size) {
    INFO("size " << size);
    // Mostly non-zero, so long blocks occur; every third size has no zero.
    const bool zeros = size % 3 != 0;
    std::string data(size, '\0');
    for (auto& c : data)
      c = static_cast<char>(zeros && random() % 40 == 0 ? 0 : random() % 255 + 1);
    const std::string encoded = encode(data);
    CHECK(encoded.find('\0') == std::string::npos);
    CHECK(encoded.size() <= cobs_max_size(size));
    if (size <= 253) CHECK(encoded.size() == size + 1);
    CHECK(decode(encoded) == data);
  }
}

TEST_CASE("data given in pieces encodes as data given whole") {
  std::mt19937 random(2);
  for (int round = 0; round < 200; ++round) {
    std::string data(random() % 800, '\0');
    for (auto& c : data)
      c = static_cast<char>(random() % 4 == 0 ? 0 : random() % 256);
    std::string pieces;
    CobsEncoder encoder(pieces);
    for (std::size_t at = 0; at < data.size();) {
      const std::size_t take = std::min<std::size_t>(random() % 300, data.size() - at);
      encoder.write(std::string_view(data).substr(at, take));
      at += take;
    }
    encoder.finish();
    CHECK(pieces == encode(data));
  }
}

TEST_CASE("the encoder appends to what the output already holds") {
  std::string out = "ab";
  cobs_encode(from_hex("00"), out);
  CHECK(out == "ab" + from_hex("01 01"));
}

TEST_CASE("runs no encoder makes are refused") {
  CHECK_FALSE(decode(from_hex("03 11")));        // code points past the end
  CHECK_FALSE(decode(from_hex("05 11 22 33")));  // one short
  CHECK_FALSE(decode(from_hex("02")));
  CHECK_FALSE(decode(from_hex("FF 01")));
  CHECK_FALSE(decode(from_hex("00")));  // a delimiter inside the run
  CHECK_FALSE(decode(from_hex("03 11 00 02 33")));
  CHECK_FALSE(decode(from_hex("02 11 00")));
}

TEST_CASE("decoding in place gives the same bytes") {
  std::string run = from_hex("03 11 22 02 33");
  const auto size = cobs_decode(run, run);
  REQUIRE(size == 4u);
  CHECK(run.substr(0, 4) == from_hex("11 22 00 33"));

  const std::string data = std::string(300, 'x') + '\0' + std::string(10, 'y');
  std::string encoded = encode(data);
  const auto again = cobs_decode(encoded, encoded);
  REQUIRE(again == data.size());
  CHECK(encoded.substr(0, data.size()) == data);
}
