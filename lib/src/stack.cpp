#include "usock/stack.hpp"

#include "traced.hpp"
#include "usock/pyrepr.hpp"

namespace usock {
namespace {

// A port as the caller wrote it in Python: 80 for a number, 'http' for a name.
std::string port_repr(std::optional<std::string_view> port) {
  if (!port) return "None";
  if (parse_port(*port)) return std::string(*port);
  return py_repr_str(*port);
}

std::string getaddrinfo_statement(std::optional<std::string_view> host,
                                  std::optional<std::string_view> port, const AddrHints& hints) {
  const int args[] = {static_cast<int>(hints.family), static_cast<int>(hints.type), hints.proto,
                      hints.flags};
  int last = -1;
  for (int i = 0; i < 4; ++i) {
    if (args[i] != 0) last = i;
  }
  std::string out =
      "socket.getaddrinfo(" + (host ? py_repr_str(*host) : "None") + ", " + port_repr(port);
  for (int i = 0; i <= last; ++i)
    out += ", " + std::to_string(args[i]);
  return out + ")";
}

std::string socket_statement(const std::string& name, Family family, SockType type, int proto) {
  std::string out = name + " = socket.socket(";
  if (family != Family::inet || type != SockType::stream || proto != 0) {
    out += "socket." + family_name(family) + ", socket." + socktype_name(type);
    if (proto != 0) out += ", " + std::to_string(proto);
  }
  return out + ")";
}

}  // namespace

std::vector<AddrInfo> Stack::getaddrinfo(std::optional<std::string_view> host,
                                         std::optional<std::string_view> port,
                                         const AddrHints& hints) {
  return detail::traced_result(
      tracer_, [&] { return getaddrinfo_statement(host, port, hints); },
      [&] { return do_getaddrinfo(host, port, hints); },
      [](const std::vector<AddrInfo>& infos) { return repr(infos); });
}

NameInfo Stack::getnameinfo(const SockAddr& addr, int flags) {
  return detail::traced_result(
      tracer_,
      [&] { return "socket.getnameinfo(" + addr.repr() + ", " + std::to_string(flags) + ")"; },
      [&] { return do_getnameinfo(addr, flags); }, [](const NameInfo& info) { return repr(info); });
}

Socket Stack::socket(Family family, SockType type, int proto, std::string name) {
  auto backend = detail::traced(
      tracer_, [&] { return socket_statement(name, family, type, proto); },
      [&] { return do_socket(family, type, proto); });
  return Socket(std::move(backend), tracer_, std::move(name));
}

Poller Stack::poll() {
  auto backend = detail::traced(
      tracer_, [] { return std::string("poller = select.poll()"); }, [&] { return do_poll(); });
  return Poller(std::move(backend), tracer_);
}

}  // namespace usock
