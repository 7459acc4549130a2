#pragma once
// Serial-number order (RFC 1982) of the protocol's wrapping counters: link
// offsets and credit (u16, PROTOCOL.md 6.1) and socket credit limits (u32,
// 6.2). Counters are never compared across more than half their range.

#include <type_traits>

namespace usock::proxy {

// Whether counter `a` is after `b`.
template <class Unsigned>
constexpr bool is_after(Unsigned a, Unsigned b) {
  static_assert(std::is_unsigned_v<Unsigned>);
  using Signed = std::make_signed_t<Unsigned>;
  return static_cast<Signed>(static_cast<Unsigned>(a - b)) > 0;
}

}  // namespace usock::proxy
