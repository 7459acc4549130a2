#include "usock/sockaddr.hpp"

#include <algorithm>
#include <cerrno>

#include "usock/address.hpp"
#include "usock/error.hpp"
#include "usock/pyrepr.hpp"

namespace usock {

SockAddr SockAddr::ipv4(const std::array<std::uint8_t, 4>& addr, std::uint16_t port) {
  SockAddr out;
  out.family_ = Family::inet;
  out.port_ = port;
  std::copy(addr.begin(), addr.end(), out.bytes_.begin());
  return out;
}

SockAddr SockAddr::ipv6(const std::array<std::uint8_t, 16>& addr, std::uint16_t port,
                        std::uint32_t flowinfo, std::uint32_t scope_id) {
  SockAddr out;
  out.family_ = Family::inet6;
  out.port_ = port;
  out.flowinfo_ = flowinfo;
  out.scope_id_ = scope_id;
  out.bytes_ = addr;
  return out;
}

SockAddr SockAddr::from_numeric(std::string_view host, std::uint16_t port) {
  const Family family = host.find(':') == std::string_view::npos ? Family::inet : Family::inet6;
  const std::string packed = inet_pton(family, host);
  SockAddr out;
  out.family_ = family;
  out.port_ = port;
  std::copy(packed.begin(), packed.end(), out.bytes_.begin());
  return out;
}

std::string SockAddr::host() const {
  switch (family_) {
    case Family::inet:
      return inet_ntop(family_, std::string_view(reinterpret_cast<const char*>(bytes_.data()), 4));
    case Family::inet6:
      return inet_ntop(family_, std::string_view(reinterpret_cast<const char*>(bytes_.data()), 16));
    case Family::unspec:
      break;
  }
  return {};
}

std::string SockAddr::repr() const {
  switch (family_) {
    case Family::inet:
      return "(" + py_repr_str(host()) + ", " + std::to_string(port_) + ")";
    case Family::inet6:
      return "(" + py_repr_str(host()) + ", " + std::to_string(port_) + ", " +
             std::to_string(flowinfo_) + ", " + std::to_string(scope_id_) + ")";
    case Family::unspec:
      break;
  }
  return "None";
}

}  // namespace usock
