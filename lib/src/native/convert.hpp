#pragma once
// Translation between the library's portable numbers and structures and this
// host's: sockaddr, families, flags, option numbers.

#include <sys/socket.h>

#include <optional>

#include "usock/constants.hpp"
#include "usock/sockaddr.hpp"

namespace usock::native {

struct NativeAddr {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Raises OSError(EAFNOSUPPORT) for an address of no family.
NativeAddr to_native(const SockAddr& addr);
// An address of a family we do not model comes back unspecified.
SockAddr from_native(const sockaddr* addr, socklen_t length);

int to_native(Family family);
std::optional<Family> from_native_family(int family);
int to_native(SockType type);
int to_native_ai_flags(int flags);
int to_native_msg_flags(int flags);
TcpState from_native_tcp_state(int state);

struct NativeOption {
  int level;
  int optname;
};
// Raises OSError(ENOPROTOOPT) for an option this stack does not offer.
NativeOption to_native_option(int level, int optname);

// OSError for the errno of a failed call, made in one place.
[[noreturn]] void raise_errno(int code);

}  // namespace usock::native
