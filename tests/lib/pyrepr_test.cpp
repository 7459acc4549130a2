// py_repr_str / py_repr_bytes: what the tools print must be what Python
// prints, quote for quote. Fixed cases document the rules; the differential
// cases hand the same values to a real python3 and compare.
#include "usock/pyrepr.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"

using usock::py_repr_bytes;
using usock::py_repr_bytes_brief;
using usock::py_repr_str;
using namespace std::string_literals;

TEST_CASE("repr(str) picks the quote as Python does") {
  CHECK(py_repr_str("") == "''");
  CHECK(py_repr_str("hello") == "'hello'");
  CHECK(py_repr_str("it's") == "\"it's\"");
  CHECK(py_repr_str("say \"hi\"") == "'say \"hi\"'");
  // Both quotes: single quotes, the single one escaped.
  CHECK(py_repr_str("'\"") == "'\\'\"'");
}

TEST_CASE("repr(str) escapes backslash and control characters") {
  CHECK(py_repr_str("a\\b") == "'a\\\\b'");
  CHECK(py_repr_str("\t\n\r") == "'\\t\\n\\r'");
  CHECK(py_repr_str("\x00\x1f\x7f"s) == "'\\x00\\x1f\\x7f'");
}

TEST_CASE("repr(str) keeps printable UTF-8 as it is") {
  CHECK(py_repr_str("caf\xc3\xa9") == "'caf\xc3\xa9'");
  CHECK(py_repr_str("\xf0\x9f\x98\x80") == "'\xf0\x9f\x98\x80'");
  CHECK(py_repr_str("\xe4\xb8\xad\xe6\x96\x87") == "'\xe4\xb8\xad\xe6\x96\x87'");
}

TEST_CASE("repr(str) escapes the characters Python deems unprintable") {
  // C1 controls and Latin-1's no-break space and soft hyphen: \xNN.
  CHECK(py_repr_str("\xc2\x85") == "'\\x85'");
  CHECK(py_repr_str("\xc2\x9b[31m") == "'\\x9b[31m'");  // a C1 CSI must not reach a terminal
  CHECK(py_repr_str("\xc2\xa0") == "'\\xa0'");
  CHECK(py_repr_str("\xc2\xad") == "'\\xad'");
  // Line separator, bidi override, BOM, private use: \uNNNN.
  CHECK(py_repr_str("\xe2\x80\xa8") == "'\\u2028'");
  CHECK(py_repr_str("abc\xe2\x80\xaexyz") == "'abc\\u202exyz'");
  CHECK(py_repr_str("\xef\xbb\xbf") == "'\\ufeff'");
  CHECK(py_repr_str("\xee\x80\x80") == "'\\ue000'");
  // Past the BMP: \UNNNNNNNN.
  CHECK(py_repr_str("\xf3\xb0\x80\x80") == "'\\U000f0000'");
  CHECK(py_repr_str("\xf3\xa0\x80\x81") == "'\\U000e0001'");
}

TEST_CASE("repr(str) shows bytes that are not UTF-8 as hex escapes") {
  CHECK(py_repr_str("\xff") == "'\\xff'");
  CHECK(py_repr_str("caf\xe9") == "'caf\\xe9'");              // Latin-1, not UTF-8
  CHECK(py_repr_str("\xed\xa0\x80") == "'\\xed\\xa0\\x80'");  // a surrogate
  CHECK(py_repr_str("\xc3") == "'\\xc3'");                    // cut short
}

TEST_CASE("repr(bytes) follows Python, including the documented examples") {
  CHECK(py_repr_bytes("") == "b''");
  CHECK(py_repr_bytes("Hello, world") == "b'Hello, world'");
  CHECK(py_repr_bytes("\x01\x02\x03\x04") == "b'\\x01\\x02\\x03\\x04'");
  CHECK(py_repr_bytes("\x7f\0\0\1"s) == "b'\\x7f\\x00\\x00\\x01'");
  CHECK(py_repr_bytes("GET / HTTP/1.0\r\n\r\n") == "b'GET / HTTP/1.0\\r\\n\\r\\n'");
  CHECK(py_repr_bytes("it's") == "b\"it's\"");
  CHECK(py_repr_bytes("'\"") == "b'\\'\"'");
  CHECK(py_repr_bytes("\\") == "b'\\\\'");
  // bytes know nothing of UTF-8: every high byte is escaped.
  CHECK(py_repr_bytes("\xc3\xa9\x80\xff") == "b'\\xc3\\xa9\\x80\\xff'");
}

TEST_CASE("repr of a long payload is cut and says how long it was") {
  const std::string big(100, 'a');
  CHECK(py_repr_bytes_brief(big) == "b'" + std::string(48, 'a') + "'... (100 bytes)");
  CHECK(py_repr_bytes_brief(std::string(48, 'a')) == py_repr_bytes(std::string(48, 'a')));
  CHECK(py_repr_bytes_brief("abcdef", 3) == "b'abc'... (6 bytes)");
  CHECK(py_repr_bytes_brief("abc", 3) == "b'abc'");
}

namespace {

std::string hex(const std::string& data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
  }
  return out;
}

void append_utf8(std::string& out, std::uint32_t code) {
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

// Assigned code points only: whether Python escapes an unassigned one
// depends on its Unicode version, which the library does not track.
struct Range {
  std::uint32_t first;
  std::uint32_t last;
};
constexpr Range kPool[] = {
    {0x00, 0x7f},       {0x80, 0xff},       {0x100, 0x17f},       {0x391, 0x3a1},
    {0x600, 0x605},     {0x61c, 0x61c},     {0x1680, 0x1680},     {0x2000, 0x2064},
    {0x2066, 0x206f},   {0x3000, 0x3003},   {0x4e00, 0x4e10},     {0xe000, 0xe00f},
    {0xfeff, 0xfeff},   {0xfff9, 0xfffd},   {0x1f600, 0x1f64f},   {0xe0001, 0xe0001},
    {0xe0020, 0xe007f}, {0xf0000, 0xf0010}, {0x10fff0, 0x10fffd},
};

std::string random_text(std::mt19937& rng) {
  std::uniform_int_distribution<std::size_t> length(0, 12);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPool) - 1);
  std::string out;
  for (std::size_t n = length(rng); n > 0; --n) {
    const Range range = kPool[pick(rng)];
    append_utf8(out, std::uniform_int_distribution<std::uint32_t>(range.first, range.last)(rng));
  }
  return out;
}

std::string random_bytes(std::mt19937& rng) {
  std::uniform_int_distribution<std::size_t> length(0, 12);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out;
  for (std::size_t n = length(rng); n > 0; --n)
    out += static_cast<char>(byte(rng));
  return out;
}

// Python's repr of each value, one per line: "s HEX" is a str, "b HEX" bytes.
std::vector<std::string> python_reprs(const std::string& requests) {
  const char* script =
      "import sys\n"
      "for line in sys.stdin:\n"
      "    kind, data = line.split(' ')\n"
      "    value = bytes.fromhex(data.strip())\n"
      "    print(repr(value.decode('utf-8') if kind == 's' else value))\n";
  usock::test::RunOptions options;
  options.env["PYTHONIOENCODING"] = "utf-8";
  options.stdin_text = requests;
  const auto result = usock::test::run({"python3", "-c", script}, options);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(result.out);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("repr(str) and repr(bytes) match python3 on many values") {
  std::vector<std::pair<char, std::string>> values = {
      {'s', "hello"},       {'s', "it's"},         {'s', "'\""},          {'s', "\x01\x7f"s},
      {'s', "\xc2\x85"},    {'s', "\xe2\x80\xa8"}, {'s', "\xef\xbb\xbf"}, {'s', "caf\xc3\xa9"},
      {'b', "\x7f\0\0\1"s}, {'b', "it's"},         {'b', "\xff\xfe"},     {'b', "\t\r\n\\"},
  };
  std::mt19937 rng(20240601);  // fixed: a failure must be reproducible
  for (int i = 0; i < 400; ++i) {
    values.emplace_back('s', random_text(rng));
    values.emplace_back('b', random_bytes(rng));
  }
  std::string requests;
  for (const auto& [kind, data] : values)
    requests += std::string(1, kind) + " " + hex(data) + "\n";
  const auto expected = python_reprs(requests);
  REQUIRE(expected.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto& [kind, data] = values[i];
    INFO("value " << i << " (" << kind << ") hex " << hex(data));
    CHECK((kind == 's' ? py_repr_str(data) : py_repr_bytes(data)) == expected[i]);
  }
}
