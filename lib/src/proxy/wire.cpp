#include "usock/proxy/wire.hpp"

#include <array>
#include <cstring>

#include "usock/utf8.hpp"

namespace usock::proxy {
namespace {

constexpr std::uint8_t kFamilyNone = 0;
constexpr std::uint8_t kFamilyInet = static_cast<std::uint8_t>(Family::inet);
constexpr std::uint8_t kFamilyInet6 = static_cast<std::uint8_t>(Family::inet6);

}  // namespace

void WireWriter::u8(std::uint8_t value) {
  out_.push_back(static_cast<char>(value));
}

void WireWriter::u16(std::uint16_t value) {
  u8(static_cast<std::uint8_t>(value));
  u8(static_cast<std::uint8_t>(value >> 8));
}

void WireWriter::u32(std::uint32_t value) {
  u16(static_cast<std::uint16_t>(value));
  u16(static_cast<std::uint16_t>(value >> 16));
}

void WireWriter::str8(std::string_view text) {
  if (text.size() > 255) throw std::length_error("str8 longer than 255 bytes");
  u8(static_cast<std::uint8_t>(text.size()));
  out_.append(text);
}

std::size_t addr_wire_size(const SockAddr& addr) {
  switch (addr.family()) {
    case Family::inet:
      return 1 + 4 + 2;
    case Family::inet6:
      return 1 + 16 + 2 + 4 + 4;
    case Family::unspec:
      break;
  }
  return 1;
}

void WireWriter::addr(const SockAddr& addr) {
  switch (addr.family()) {
    case Family::inet:
      u8(kFamilyInet);
      out_.append(reinterpret_cast<const char*>(addr.bytes().data()), 4);
      u16(addr.port());
      return;
    case Family::inet6:
      u8(kFamilyInet6);
      out_.append(reinterpret_cast<const char*>(addr.bytes().data()), 16);
      u16(addr.port());
      u32(addr.flowinfo());
      u32(addr.scope_id());
      return;
    case Family::unspec:
      break;
  }
  u8(kFamilyNone);
}

std::string_view WireReader::bytes(std::size_t size, const char* field) {
  if (size > in_.size()) {
    throw MalformedMessage(std::string(field) + ": " + std::to_string(size - in_.size()) +
                           " bytes missing");
  }
  const std::string_view taken = in_.substr(0, size);
  in_.remove_prefix(size);
  return taken;
}

std::uint8_t WireReader::u8(const char* field) {
  return static_cast<std::uint8_t>(bytes(1, field)[0]);
}

std::uint16_t WireReader::u16(const char* field) {
  const std::string_view raw = bytes(2, field);
  return static_cast<std::uint16_t>(static_cast<std::uint8_t>(raw[0]) |
                                    static_cast<std::uint8_t>(raw[1]) << 8);
}

std::uint32_t WireReader::u32(const char* field) {
  const std::string_view raw = bytes(4, field);
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i)
    value = value << 8 | static_cast<std::uint8_t>(raw[static_cast<std::size_t>(i)]);
  return value;
}

std::string_view WireReader::str8(const char* field) {
  const std::string_view text = bytes8(field);
  if (!is_utf8(text)) throw MalformedMessage(std::string(field) + ": not UTF-8");
  return text;
}

std::string_view WireReader::bytes8(const char* field) {
  return bytes(u8(field), field);
}

SockAddr WireReader::addr(const char* field) {
  const std::uint8_t family = u8(field);
  if (family == kFamilyNone) return SockAddr{};
  if (family == kFamilyInet) {
    std::array<std::uint8_t, 4> packed{};
    const std::string_view raw = bytes(packed.size(), field);
    std::memcpy(packed.data(), raw.data(), packed.size());
    return SockAddr::ipv4(packed, u16(field));
  }
  if (family == kFamilyInet6) {
    std::array<std::uint8_t, 16> packed{};
    const std::string_view raw = bytes(packed.size(), field);
    std::memcpy(packed.data(), raw.data(), packed.size());
    const std::uint16_t port = u16(field);
    const std::uint32_t flowinfo = u32(field);
    return SockAddr::ipv6(packed, port, flowinfo, u32(field));
  }
  throw MalformedMessage(std::string(field) + ": unknown address family " + std::to_string(family));
}

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

}  // namespace usock::proxy
