#pragma once
// An IPv4 or IPv6 socket address in the library's portable form, printed the
// way Python prints the tuple: ('127.0.0.1', 80) or ('::1', 80, 0, 0).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "usock/constants.hpp"

namespace usock {

class SockAddr {
 public:
  // An unspecified address (family unspec), as from an unconnected UDP peer.
  SockAddr() = default;

  static SockAddr ipv4(const std::array<std::uint8_t, 4>& addr, std::uint16_t port);
  static SockAddr ipv6(const std::array<std::uint8_t, 16>& addr, std::uint16_t port,
                       std::uint32_t flowinfo = 0, std::uint32_t scope_id = 0);
  // A numeric host ("127.0.0.1", "::1") and a port; throws OSError(EINVAL) for
  // anything else, as MicroPython's tuple addresses accept no names.
  static SockAddr from_numeric(std::string_view host, std::uint16_t port);

  Family family() const noexcept { return family_; }
  std::uint16_t port() const noexcept { return port_; }
  std::uint32_t flowinfo() const noexcept { return flowinfo_; }
  std::uint32_t scope_id() const noexcept { return scope_id_; }
  // The address bytes in network order: 4 for IPv4, 16 for IPv6.
  const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }

  // The numeric host text ("127.0.0.1", "::1").
  std::string host() const;
  // Python's repr of the address tuple.
  std::string repr() const;

  bool operator==(const SockAddr&) const = default;

 private:
  Family family_ = Family::unspec;
  std::uint16_t port_ = 0;
  std::uint32_t flowinfo_ = 0;
  std::uint32_t scope_id_ = 0;
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace usock
