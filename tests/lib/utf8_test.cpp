// utf8_sequence_length: the UTF-8 validator behind py_repr_str and the JSON writer.
#include "usock/utf8.hpp"

#include <catch2/catch.hpp>
#include <string_view>

using usock::utf8_sequence_length;
using namespace std::string_view_literals;

TEST_CASE("well-formed sequences report their length") {
  CHECK(utf8_sequence_length("\xc3\xa9"sv, 0) == 2);          // é U+00E9
  CHECK(utf8_sequence_length("\xc2\x80"sv, 0) == 2);          // U+0080, smallest 2-byte
  CHECK(utf8_sequence_length("\xe2\x82\xac"sv, 0) == 3);      // € U+20AC
  CHECK(utf8_sequence_length("\xef\xbf\xbf"sv, 0) == 3);      // U+FFFF
  CHECK(utf8_sequence_length("\xf0\x9f\x98\x80"sv, 0) == 4);  // 😀 U+1F600
  CHECK(utf8_sequence_length("\xf4\x8f\xbf\xbf"sv, 0) == 4);  // U+10FFFF, the last
  CHECK(utf8_sequence_length("ab\xc3\xa9"sv, 2) == 2);        // not at the start
}

TEST_CASE("ill-formed sequences report 0") {
  CHECK(utf8_sequence_length("\x80"sv, 0) == 0);              // lone continuation
  CHECK(utf8_sequence_length("\xc0\xaf"sv, 0) == 0);          // overlong '/'
  CHECK(utf8_sequence_length("\xc1\xbf"sv, 0) == 0);          // overlong
  CHECK(utf8_sequence_length("\xe0\x80\xaf"sv, 0) == 0);      // overlong 3-byte
  CHECK(utf8_sequence_length("\xf0\x8f\xbf\xbf"sv, 0) == 0);  // overlong 4-byte
  CHECK(utf8_sequence_length("\xed\xa0\x80"sv, 0) == 0);      // surrogate U+D800
  CHECK(utf8_sequence_length("\xed\xbf\xbf"sv, 0) == 0);      // surrogate U+DFFF
  CHECK(utf8_sequence_length("\xf4\x90\x80\x80"sv, 0) == 0);  // U+110000
  CHECK(utf8_sequence_length("\xf5\x80\x80\x80"sv, 0) == 0);  // lead past F4
  CHECK(utf8_sequence_length("\xff"sv, 0) == 0);
  CHECK(utf8_sequence_length("\xc3"sv, 0) == 0);  // cut short at the end
  CHECK(utf8_sequence_length("\xe2\x82"sv, 0) == 0);
  CHECK(utf8_sequence_length("\xc3\x41"sv, 0) == 0);  // continuation missing
  CHECK(utf8_sequence_length("\xe2\x82\x41"sv, 0) == 0);
}

TEST_CASE("ASCII is not a multi-byte sequence") {
  CHECK(utf8_sequence_length("A"sv, 0) == 0);
  CHECK(utf8_sequence_length("\x7f"sv, 0) == 0);
}
