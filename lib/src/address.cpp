#include "usock/address.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>

#include "usock/error.hpp"
#include "usock/pyrepr.hpp"

namespace usock {
namespace {

int native_family(Family family) {
  switch (family) {
    case Family::inet:
      return AF_INET;
    case Family::inet6:
      return AF_INET6;
    case Family::unspec:
      break;
  }
  throw OSError::from_errno(EAFNOSUPPORT);
}

std::size_t packed_size(Family family) {
  return family == Family::inet ? 4 : 16;
}

}  // namespace

std::string repr(const AddrInfo& info) {
  return "(" + std::to_string(static_cast<int>(info.family)) + ", " +
         std::to_string(static_cast<int>(info.type)) + ", " + std::to_string(info.proto) + ", " +
         py_repr_str(info.canonname) + ", " + info.addr.repr() + ")";
}

std::string repr(const std::vector<AddrInfo>& infos) {
  std::string out = "[";
  for (std::size_t i = 0; i < infos.size(); ++i) {
    if (i > 0) out += ", ";
    out += repr(infos[i]);
  }
  return out + "]";
}

std::string repr(const NameInfo& info) {
  return "(" + py_repr_str(info.host) + ", " + py_repr_str(info.service) + ")";
}

std::string inet_pton(Family family, std::string_view text) {
  const int af = native_family(family);
  // inet_pton wants a C string: an embedded NUL would silently cut the text.
  if (text.find('\0') != std::string_view::npos) throw OSError::from_errno(EINVAL);
  const std::string terminated(text);
  unsigned char packed[16];
  if (::inet_pton(af, terminated.c_str(), packed) != 1) throw OSError::from_errno(EINVAL);
  return std::string(reinterpret_cast<const char*>(packed), packed_size(family));
}

std::string inet_ntop(Family family, std::string_view packed) {
  const int af = native_family(family);
  if (packed.size() != packed_size(family)) throw OSError::from_errno(EINVAL);
  char text[INET6_ADDRSTRLEN];
  if (::inet_ntop(af, packed.data(), text, sizeof text) == nullptr) {
    throw OSError::from_errno(errno);
  }
  return text;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > 65535) return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  Endpoint out;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
  } else if (text.find(']') != std::string_view::npos) {
    return std::nullopt;
  } else {
    const auto first = text.find(':');
    const bool one_colon =
        first != std::string_view::npos && text.find(':', first + 1) == std::string_view::npos;
    // Several colons and no brackets: a bare IPv6 address, no port.
    const auto split = one_colon ? first : std::string_view::npos;
    out.host = std::string(text.substr(0, split));
    rest = split == std::string_view::npos ? std::string_view{} : text.substr(split);
  }
  // A bracket left inside the host is one without its partner: "a[b:80", "[a[b]".
  if (out.host.empty() || out.host.find_first_of("[]") != std::string::npos) return std::nullopt;
  if (!rest.empty()) {
    out.port = parse_port(rest.substr(1));
    if (!out.port) return std::nullopt;
  }
  return out;
}

}  // namespace usock
