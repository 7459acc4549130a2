#pragma once
// The encoding primitives of messages (PROTOCOL.md 8.1): little-endian
// integers, length-prefixed strings, and ADDR.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "usock/sockaddr.hpp"

namespace usock::proxy {

// A payload that breaks the protocol's rules: a length running past the
// end, a field out of range, bytes left over. The link answers it with
// RESET PROTOCOL, whose detail is what() (it names the message and field).
class MalformedMessage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The bytes an ADDR takes on the wire: 1, 7 (IPv4) or 27 (IPv6).
std::size_t addr_wire_size(const SockAddr& addr);

// Appends fields to a payload.
class WireWriter {
 public:
  explicit WireWriter(std::string& out) : out_(out) {}

  void u8(std::uint8_t value);
  void u16(std::uint16_t value);
  void u32(std::uint32_t value);
  void s16(std::int16_t value) { u16(static_cast<std::uint16_t>(value)); }
  void s32(std::int32_t value) { u32(static_cast<std::uint32_t>(value)); }
  // Throw std::length_error above 255 bytes: the caller must cut first.
  void str8(std::string_view text);
  void bytes8(std::string_view bytes) { str8(bytes); }
  void addr(const SockAddr& addr);
  void rest(std::string_view bytes) { out_.append(bytes); }

 private:
  std::string& out_;
};

// Reads fields from the front of a payload. Every read throws
// MalformedMessage naming `field` when the payload is too short, so a
// decoder never reads past the end.
class WireReader {
 public:
  explicit WireReader(std::string_view in) : in_(in) {}

  std::uint8_t u8(const char* field);
  std::uint16_t u16(const char* field);
  std::uint32_t u32(const char* field);
  std::int16_t s16(const char* field) { return static_cast<std::int16_t>(u16(field)); }
  std::int32_t s32(const char* field) { return static_cast<std::int32_t>(u32(field)); }
  // Also rejects text that is not well-formed UTF-8.
  std::string_view str8(const char* field);
  std::string_view bytes8(const char* field);
  // Rejects a family other than 0, 2 and 10.
  SockAddr addr(const char* field);
  std::string_view bytes(std::size_t size, const char* field);
  std::string_view rest() { return bytes(in_.size(), "rest"); }

  bool at_end() const noexcept { return in_.empty(); }
  std::size_t left() const noexcept { return in_.size(); }

 private:
  std::string_view in_;
};

// Whether every byte of `text` belongs to a well-formed UTF-8 character.
bool is_utf8(std::string_view text);

}  // namespace usock::proxy
