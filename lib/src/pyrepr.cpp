#include "usock/pyrepr.hpp"

#include "usock/utf8.hpp"

namespace usock {
namespace {

// The assigned non-ASCII code points that Python's str.isprintable() rejects,
// so repr() escapes them: categories Cc, Cf, Zs (but space), Zl, Zp and Co,
// as of Unicode 14 (Python 3.11). Besides matching Python, this keeps C1
// controls and bidi overrides from a peer's text out of the user's terminal.
// Unassigned code points (Cn) pass through: that set changes with every
// Unicode version, and a stale table would be wrong either way.
struct CodeRange {
  char32_t first;
  char32_t last;
};
constexpr CodeRange kUnprintable[] = {
    {0x80, 0xa0},       {0xad, 0xad},       {0x600, 0x605},       {0x61c, 0x61c},
    {0x6dd, 0x6dd},     {0x70f, 0x70f},     {0x890, 0x891},       {0x8e2, 0x8e2},
    {0x1680, 0x1680},   {0x180e, 0x180e},   {0x2000, 0x200f},     {0x2028, 0x202f},
    {0x205f, 0x2064},   {0x2066, 0x206f},   {0x3000, 0x3000},     {0xe000, 0xf8ff},
    {0xfeff, 0xfeff},   {0xfff9, 0xfffb},   {0x110bd, 0x110bd},   {0x110cd, 0x110cd},
    {0x13430, 0x13438}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},   {0xe0001, 0xe0001},
    {0xe0020, 0xe007f}, {0xf0000, 0xffffd}, {0x100000, 0x10fffd},
};

bool printable(char32_t code) {
  for (const auto& range : kUnprintable) {
    if (code < range.first) return true;  // the table is sorted
    if (code <= range.last) return false;
  }
  return true;
}

// The code point of a well-formed UTF-8 sequence (as utf8_sequence_length found).
char32_t decode(std::string_view sequence) {
  char32_t code = static_cast<unsigned char>(sequence[0]) & (0x7fu >> sequence.size());
  for (std::size_t k = 1; k < sequence.size(); ++k) {
    code = (code << 6) | (static_cast<unsigned char>(sequence[k]) & 0x3fu);
  }
  return code;
}

char pick_quote(std::string_view text) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  return has_single && !has_double ? '"' : '\'';
}

void append_hex_digits(std::string& out, char32_t value, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
    out += kDigits[(value >> shift) & 0xf];
}

void append_hex_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  append_hex_digits(out, byte, 2);
}

// Python's escape of an unprintable character: \xNN, \uNNNN or \UNNNNNNNN.
void append_code_escape(std::string& out, char32_t code) {
  if (code <= 0xff) return append_hex_escape(out, static_cast<unsigned char>(code));
  const bool wide = code > 0xffff;
  out += wide ? "\\U" : "\\u";
  append_hex_digits(out, code, wide ? 8 : 4);
}

// Appends the escape Python uses for an ASCII byte, or the byte itself.
void append_ascii(std::string& out, unsigned char byte, char quote) {
  switch (byte) {
    case '\\':
      out += "\\\\";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  if (byte == static_cast<unsigned char>(quote)) {
    out += '\\';
    out += quote;
  } else if (byte < 0x20 || byte == 0x7f) {
    append_hex_escape(out, byte);
  } else {
    out += static_cast<char>(byte);
  }
}

}  // namespace

std::string py_repr_str(std::string_view text) {
  const char quote = pick_quote(text);
  std::string out;
  out.reserve(text.size() + 2);
  out += quote;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      append_ascii(out, byte, quote);
      ++i;
    } else if (const auto length = utf8_sequence_length(text, i); length > 0) {
      const auto sequence = text.substr(i, length);
      if (const char32_t code = decode(sequence); printable(code)) {
        out.append(sequence);
      } else {
        append_code_escape(out, code);
      }
      i += length;
    } else {
      append_hex_escape(out, byte);
      ++i;
    }
  }
  out += quote;
  return out;
}

std::string py_repr_bytes(std::string_view data) {
  const char quote = pick_quote(data);
  std::string out;
  out.reserve(data.size() + 3);
  out += 'b';
  out += quote;
  for (const char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      append_ascii(out, byte, quote);
    } else {
      append_hex_escape(out, byte);
    }
  }
  out += quote;
  return out;
}

std::string py_repr_bytes_brief(std::string_view data, std::size_t limit) {
  if (data.size() <= limit) return py_repr_bytes(data);
  return py_repr_bytes(data.substr(0, limit)) + "... (" + std::to_string(data.size()) + " bytes)";
}

}  // namespace usock
