// usock::cli::json_string: always a valid JSON string literal (RFC 8259),
// which decodes to the input, with bytes that are not UTF-8 as U+FFFD.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "json.hpp"
#include "usock/utf8.hpp"

namespace {

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xe0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

char32_t parse_hex4(std::string_view digits) {
  FUZZ_CHECK(digits.size() == 4);
  char32_t value = 0;
  for (const char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    FUZZ_CHECK(digit >= 0);
    value = value * 16 + static_cast<char32_t>(digit);
  }
  return value;
}

// A strict JSON string decoder: anything RFC 8259 refuses is a violation.
std::string decode_json_string(std::string_view json) {
  FUZZ_CHECK(json.size() >= 2 && json.front() == '"' && json.back() == '"');
  const std::string_view body = json.substr(1, json.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < body.size();) {
    const auto byte = static_cast<unsigned char>(body[i]);
    FUZZ_CHECK(byte >= 0x20);  // control characters must be escaped
    FUZZ_CHECK(byte != '"');   // would end the string
    if (byte == '\\') {
      FUZZ_CHECK(i + 1 < body.size());
      const char kind = body[i + 1];
      i += 2;
      switch (kind) {
        case '"':
        case '\\':
        case '/':
          out += kind;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          FUZZ_CHECK(i + 4 <= body.size());
          char32_t code = parse_hex4(body.substr(i, 4));
          i += 4;
          if (code >= 0xd800 && code <= 0xdbff) {  // a surrogate pair
            FUZZ_CHECK(i + 6 <= body.size() && body[i] == '\\' && body[i + 1] == 'u');
            const char32_t low = parse_hex4(body.substr(i + 2, 4));
            FUZZ_CHECK(low >= 0xdc00 && low <= 0xdfff);
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            i += 6;
          }
          FUZZ_CHECK(code < 0xdc00 || code > 0xdfff);  // no lone low surrogate
          append_utf8(out, code);
          break;
        }
        default:
          FUZZ_CHECK(false && "unknown escape");
      }
    } else if (byte < 0x80) {
      out += static_cast<char>(byte);
      ++i;
    } else {
      const std::size_t length = usock::utf8_sequence_length(body, i);
      FUZZ_CHECK(length > 0);  // JSON text is UTF-8
      out.append(body.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string json = usock::cli::json_string(text);
  std::string expected;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : usock::utf8_sequence_length(text, i);
    expected += length == 0 ? std::string_view("\xef\xbf\xbd") : text.substr(i, length);
    i += length == 0 ? 1 : length;
  }
  FUZZ_CHECK(decode_json_string(json) == expected);
  return 0;
}
