#include "usock/pyrepr.hpp"

#include "usock/utf8.hpp"

namespace usock {
namespace {

char pick_quote(std::string_view text) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  return has_single && !has_double ? '"' : '\'';
}

void append_hex_escape(std::string& out, unsigned char byte) {
  static constexpr char digits[] = "0123456789abcdef";
  out += "\\x";
  out += digits[byte >> 4];
  out += digits[byte & 0xf];
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
      out.append(text.substr(i, length));
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
