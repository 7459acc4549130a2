#pragma once
// Name and address helpers of the socket module that need no network:
// inet_pton/inet_ntop, port parsing, the getaddrinfo result type.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usock/constants.hpp"
#include "usock/sockaddr.hpp"

namespace usock {

// One getaddrinfo 5-tuple: (family, type, proto, canonname, sockaddr).
struct AddrInfo {
  Family family = Family::unspec;
  SockType type = SockType::any;
  int proto = 0;
  std::string canonname;
  SockAddr addr;

  bool operator==(const AddrInfo&) const = default;
};

// Filters for getaddrinfo, with the meaning of its af/type/proto/flags args.
struct AddrHints {
  Family family = Family::unspec;
  SockType type = SockType::any;
  int proto = 0;
  int flags = 0;  // ai::* bits
};

// The reply of getnameinfo: (host, service).
struct NameInfo {
  std::string host;
  std::string service;
};

// Python's repr of a 5-tuple and of the list getaddrinfo returns.
std::string repr(const AddrInfo& info);
std::string repr(const std::vector<AddrInfo>& infos);
std::string repr(const NameInfo& info);

// inet_pton: text to packed bytes (4 or 16). Throws OSError(EINVAL) on text
// that is not an address of that family, and OSError(EAFNOSUPPORT) for a
// family other than inet/inet6.
std::string inet_pton(Family family, std::string_view text);
// inet_ntop: packed bytes back to text; throws OSError(EINVAL) when the length
// does not fit the family.
std::string inet_ntop(Family family, std::string_view packed);

// A decimal port 0-65535 with no sign, spaces or leading junk; nullopt otherwise.
std::optional<std::uint16_t> parse_port(std::string_view text);

// "host:port", "[v6]:port" or a bare host (port stays nullopt). Returns
// nullopt when the text has an empty host, a bad port or unbalanced brackets.
struct Endpoint {
  std::string host;
  std::optional<std::uint16_t> port;
};
std::optional<Endpoint> parse_endpoint(std::string_view text);

}  // namespace usock
