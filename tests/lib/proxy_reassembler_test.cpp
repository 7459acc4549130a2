// Reassembler (PROTOCOL.md 8.1): fragments joined in order, whole frames
// passed through, and fragments that do not belong together refused.
#include <catch2/catch.hpp>
#include <string>

#include "usock/proxy/reassembler.hpp"
#include "usock/proxy/wire.hpp"

using namespace usock::proxy;

namespace {

Frame fragment(std::string_view payload, std::uint8_t flags, FrameType type = FrameType::dgram,
               std::uint16_t req = 0, std::uint8_t sock = 3) {
  Header header;
  header.type = type;
  header.flags = flags;
  header.req = req;
  header.sock = sock;
  return Frame{header, payload};
}

}  // namespace

TEST_CASE("a frame without MORE is a whole message and is passed through") {
  Reassembler reassembler;
  const std::string payload = "whole";
  const auto message = reassembler.add(fragment(payload, frame_flag::wnd));
  REQUIRE(message);
  CHECK(message->payload == "whole");
  CHECK(message->payload.data() == payload.data());  // not copied
  CHECK(message->header.flags == frame_flag::wnd);
  CHECK_FALSE(reassembler.gathering());
}

TEST_CASE("fragments are joined under the first fragment's header") {
  Reassembler reassembler;
  CHECK_FALSE(reassembler.add(
      fragment(std::string_view("\x07\x00\x00\x00one ", 8), frame_flag::more | frame_flag::wnd)));
  CHECK(reassembler.gathering());
  CHECK_FALSE(reassembler.add(fragment("two ", frame_flag::more | frame_flag::retx)));
  const auto message = reassembler.add(fragment("three", 0));
  REQUIRE(message);
  CHECK(message->payload == std::string("\x07\x00\x00\x00one two three", 17));
  CHECK(message->header.flags == frame_flag::wnd);
  CHECK(message->header.type == FrameType::dgram);
  CHECK(message->header.sock == 3);
  CHECK_FALSE(reassembler.gathering());
  // The next message starts afresh.
  const auto next = reassembler.add(fragment("next", 0));
  REQUIRE(next);
  CHECK(next->payload == "next");
}

TEST_CASE("a large RESULT comes back from many fragments") {
  Reassembler reassembler;
  std::string expected;
  for (int i = 0; i < 63; ++i) {
    const std::string piece(1009, static_cast<char>('a' + i % 26));
    expected += piece;
    CHECK_FALSE(reassembler.add(fragment(piece, frame_flag::more, FrameType::result, 9, 0)));
  }
  const auto message = reassembler.add(fragment("end", 0, FrameType::result, 9, 0));
  REQUIRE(message);
  CHECK(message->payload == expected + "end");
  CHECK(message->header.req == 9);
}

TEST_CASE("a fragment of another message is refused and the partial one dropped") {
  Reassembler reassembler;
  reassembler.add(fragment("a", frame_flag::more));
  CHECK_THROWS_WITH(reassembler.add(fragment("b", 0, FrameType::data)),
                    "DATA: fragment of another message");
  CHECK_FALSE(reassembler.gathering());

  reassembler.add(fragment("a", frame_flag::more, FrameType::result, 1, 0));
  CHECK_THROWS_AS(reassembler.add(fragment("b", 0, FrameType::result, 2, 0)), MalformedMessage);
  reassembler.add(fragment("a", frame_flag::more));
  CHECK_THROWS_AS(reassembler.add(fragment("b", 0, FrameType::dgram, 0, 4)), MalformedMessage);
  reassembler.add(fragment("a", frame_flag::more));
  CHECK_THROWS_WITH(reassembler.add(fragment("b", frame_flag::wnd)),
                    "DGRAM: WND after the first fragment");
}

TEST_CASE("a message longer than the limit is refused") {
  Reassembler reassembler(1500);
  CHECK_FALSE(reassembler.add(fragment(std::string(1000, 'x'), frame_flag::more)));
  CHECK(reassembler.add(fragment(std::string(500, 'x'), 0)));
  CHECK_FALSE(reassembler.add(fragment(std::string(1000, 'x'), frame_flag::more)));
  CHECK_THROWS_WITH(reassembler.add(fragment(std::string(501, 'x'), 0)),
                    "DGRAM: message longer than the largest reassembled");
  CHECK_FALSE(reassembler.gathering());
  CHECK_THROWS_AS(reassembler.add(fragment(std::string(1501, 'x'), 0)), MalformedMessage);
}

TEST_CASE("reset forgets a partial message") {
  Reassembler reassembler;
  reassembler.add(fragment("stale", frame_flag::more));
  reassembler.reset();
  const auto message = reassembler.add(fragment("fresh", 0, FrameType::data, 0, 1));
  REQUIRE(message);
  CHECK(message->payload == "fresh");
}
