#include "announce.hpp"

#include "usock/error.hpp"

namespace userve {
namespace {

// The source address the stack picks toward a documentation address: a UDP
// connect() sends nothing, it only chooses a route (the seed asks the WLAN
// interface instead). Loopback when there is no route at all.
std::string outward_address(usock::Stack& stack, usock::Family family) {
  const bool v6 = family == usock::Family::inet6;
  try {
    usock::Socket probe = stack.socket(family, usock::SockType::dgram, 0, "probe");
    probe.connect(usock::SockAddr::from_numeric(v6 ? "2001:db8::1" : "192.0.2.1", 9));
    return probe.getsockname().host();
  } catch (const usock::OSError&) {
    return v6 ? "::1" : "127.0.0.1";
  }
}

}  // namespace

std::string browser_url(usock::Stack& stack, const usock::SockAddr& bound, bool tls) {
  std::string host = bound.host();
  const bool v6 = host.find(':') != std::string::npos;
  if (host == "0.0.0.0" || host == "::") {
    host = outward_address(stack, v6 ? usock::Family::inet6 : usock::Family::inet);
  }
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(bound.port()) +
         "/";
}

}  // namespace userve
