// py_repr_str and py_repr_bytes: the output is a quoted literal Python would
// read back to the input. bytes come out as printable ASCII; str as valid
// UTF-8 with no control or format character left raw.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "usock/pyrepr.hpp"
#include "usock/utf8.hpp"

namespace {

char32_t decode_utf8(std::string_view sequence) {
  char32_t code = static_cast<unsigned char>(sequence[0]) & (0x7fu >> sequence.size());
  for (std::size_t k = 1; k < sequence.size(); ++k) {
    code = (code << 6) | (static_cast<unsigned char>(sequence[k]) & 0x3fu);
  }
  return code;
}

char32_t parse_hex(std::string_view digits) {
  char32_t value = 0;
  for (const char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;  // Python writes lowercase
    FUZZ_CHECK(digit >= 0);
    value = value * 16 + static_cast<char32_t>(digit);
  }
  return value;
}

// Characters a terminal acts on: they must never be left raw.
bool dangerous(char32_t code) {
  return code < 0x20 || (code >= 0x7f && code <= 0xa0) || code == 0xad ||
         (code >= 0x2028 && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code == 0xfeff;
}

// The characters of a repr's body (between its quotes), as Python reads it.
std::vector<char32_t> read_body(std::string_view body, char quote, bool is_str) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < body.size();) {
    const auto byte = static_cast<unsigned char>(body[i]);
    if (byte == '\\') {
      FUZZ_CHECK(i + 1 < body.size());
      const char kind = body[i + 1];
      std::size_t digits = 0;
      switch (kind) {
        case '\\':
        case '\'':
        case '"':
          out.push_back(static_cast<char32_t>(kind));
          break;
        case 't':
          out.push_back(U'\t');
          break;
        case 'n':
          out.push_back(U'\n');
          break;
        case 'r':
          out.push_back(U'\r');
          break;
        case 'x':
          digits = 2;
          break;
        case 'u':
          digits = 4;
          break;
        case 'U':
          digits = 8;
          break;
        default:
          FUZZ_CHECK(false && "unknown escape");
      }
      FUZZ_CHECK(is_str || digits <= 2);  // \u and \U exist only in str
      if (digits > 0) {
        FUZZ_CHECK(i + 2 + digits <= body.size());
        out.push_back(parse_hex(body.substr(i + 2, digits)));
      }
      i += 2 + digits;
    } else if (byte < 0x80) {
      FUZZ_CHECK(byte != static_cast<unsigned char>(quote));  // would end the literal
      FUZZ_CHECK(byte >= 0x20 && byte < 0x7f);
      out.push_back(byte);
      ++i;
    } else {
      FUZZ_CHECK(is_str);  // bytes reprs are pure ASCII
      const std::size_t length = usock::utf8_sequence_length(body, i);
      FUZZ_CHECK(length > 0);  // valid UTF-8 only
      const char32_t code = decode_utf8(body.substr(i, length));
      FUZZ_CHECK(!dangerous(code));
      out.push_back(code);
      i += length;
    }
  }
  return out;
}

char expected_quote(std::string_view text) {
  const bool single = text.find('\'') != std::string_view::npos;
  const bool dbl = text.find('"') != std::string_view::npos;
  return single && !dbl ? '"' : '\'';
}

void check_bytes(std::string_view data) {
  const std::string repr = usock::py_repr_bytes(data);
  FUZZ_CHECK(repr.size() >= 3 && repr[0] == 'b');
  const char quote = expected_quote(data);
  FUZZ_CHECK(repr[1] == quote && repr.back() == quote);
  const auto chars = read_body(std::string_view(repr).substr(2, repr.size() - 3), quote, false);
  std::string back;
  for (const char32_t c : chars) {
    FUZZ_CHECK(c <= 0xff);
    back += static_cast<char>(c);
  }
  FUZZ_CHECK(back == data);
}

void check_str(std::string_view data) {
  const std::string repr = usock::py_repr_str(data);
  const char quote = expected_quote(data);
  FUZZ_CHECK(repr.size() >= 2 && repr.front() == quote && repr.back() == quote);
  const auto chars = read_body(std::string_view(repr).substr(1, repr.size() - 2), quote, true);
  // What the literal should hold: each UTF-8 character, and each byte that
  // is not UTF-8 as the character of the same number (its documented \xNN).
  std::vector<char32_t> expected;
  for (std::size_t i = 0; i < data.size();) {
    const auto byte = static_cast<unsigned char>(data[i]);
    const std::size_t length = byte < 0x80 ? 0 : usock::utf8_sequence_length(data, i);
    expected.push_back(length == 0 ? byte : decode_utf8(data.substr(i, length)));
    i += length == 0 ? 1 : length;
  }
  FUZZ_CHECK(chars == expected);
}

void check_brief(std::string_view data, std::size_t limit) {
  const std::string brief = usock::py_repr_bytes_brief(data, limit);
  if (data.size() <= limit) {
    FUZZ_CHECK(brief == usock::py_repr_bytes(data));
  } else {
    const std::string head = usock::py_repr_bytes(data.substr(0, limit));
    FUZZ_CHECK(brief == head + "... (" + std::to_string(data.size()) + " bytes)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_bytes(text);
  check_str(text);
  check_brief(text, size == 0 ? 0 : data[0] % 64);
  return 0;
}
