#include "usock/device_stack.hpp"

#include <netdb.h>

#include <cctype>
#include <cerrno>
#include <string>

#include "device_poller.hpp"
#include "device_socket.hpp"
#include "session.hpp"
#include "usock/address.hpp"
#include "usock/link_error.hpp"

namespace usock {
namespace {

// Generous for a TCP connect to ser2net or uboard; a serial port opens at once.
constexpr auto kOpenTimeout = std::chrono::seconds(10);

Link open_link(const LinkAddress& address) {
  try {
    return Link::open(address, Wait::until(Clock::now() + kOpenTimeout));
  } catch (const OSError& error) {
    const int code = error.code();
    const std::string where =
        address.kind == LinkAddress::Kind::serial ? address.path : address.text();
    std::string cause = code < 0 ? resolver_reason(code) : OSError::from_errno(code).reason();
    if (code == EBUSY) cause += ": is screen or mpremote using it?";
    const bool missing = code < 0 || code == ENOENT || code == ENODEV || code == ENXIO;
    throw LinkError(missing ? LinkError::Kind::not_found : LinkError::Kind::unavailable,
                    "cannot open device " + where + " (" + cause + ")");
  }
}

// Boards take only port numbers (PROTOCOL.md 8.3): names are looked up in
// this host's services database, for the protocol the hints ask for.
std::uint16_t service_port(std::string_view service, SockType type) {
  if (const auto port = parse_port(service)) return *port;
  const bool numeric_looking =
      !service.empty() && !std::isalpha(static_cast<unsigned char>(service.front()));
  if (numeric_looking) throw OSError::from_resolver(eai::service);
  const std::string name(service);
  servent entry{};
  servent* found = nullptr;
  char buffer[1024];
  const char* proto = type == SockType::dgram ? "udp" : "tcp";
  if (::getservbyname_r(name.c_str(), proto, &entry, buffer, sizeof buffer, &found) != 0 ||
      found == nullptr) {
    throw OSError::from_resolver(eai::service);
  }
  return ntohs(static_cast<std::uint16_t>(found->s_port));
}

std::string service_name(std::uint16_t port, int flags) {
  if (!(flags & ni::numericserv)) {
    servent entry{};
    servent* found = nullptr;
    char buffer[1024];
    const char* proto = (flags & ni::dgram) ? "udp" : "tcp";
    if (::getservbyport_r(htons(port), proto, &entry, buffer, sizeof buffer, &found) == 0 &&
        found != nullptr) {
      return found->s_name;
    }
  }
  return std::to_string(port);
}

}  // namespace

std::unique_ptr<DeviceStack> DeviceStack::open(const LinkAddress& address,
                                               const DeviceOptions& options) {
  auto session = std::make_shared<device::Session>(open_link(address), options);
  session->start();
  return std::unique_ptr<DeviceStack>(new DeviceStack(std::move(session)));
}

DeviceStack::DeviceStack(std::shared_ptr<device::Session> session) : session_(std::move(session)) {}

DeviceStack::~DeviceStack() {
  try {
    session_->finish(Wait::until(Clock::now() + std::chrono::seconds(1)));
  } catch (...) {
    // Best effort: a tool that wants the error calls finish() itself.
  }
  session_->stop();
}

std::string DeviceStack::description() const {
  return session_->board().platform + " @ " + session_->uri();
}

std::vector<std::pair<std::string, std::string>> DeviceStack::properties() const {
  const device::BoardFacts& board = session_->board();
  return {
      {"platform", board.platform},
      {"implementation", board.impl},
      {"machine", board.machine},
      {"agent", board.agent},
      {"mem_free", std::to_string(board.mem_free)},
      {"baud", std::to_string(board.baud)},
  };
}

void DeviceStack::finish(Wait wait) {
  session_->finish(wait);
}

std::vector<AddrInfo> DeviceStack::do_getaddrinfo(std::optional<std::string_view> host,
                                                  std::optional<std::string_view> port,
                                                  const AddrHints& hints) {
  proxy::GetAddrInfoCall call;
  // No name is that long (RFC 1035: 253); str8 could not carry it anyway.
  if (host && host->size() > 255) throw OSError::from_resolver(eai::noname);
  call.host = host;
  if (port) call.port = service_port(*port, hints.type);
  call.family = static_cast<std::uint8_t>(hints.family);
  call.socktype = static_cast<std::uint8_t>(hints.type);
  call.proto = static_cast<std::uint8_t>(hints.proto);
  call.flags = static_cast<std::uint8_t>(hints.flags);
  auto lock = session_->lock();
  const auto result = session_->call_and_wait(lock, call, nullptr, Wait::forever());
  std::vector<AddrInfo> infos;
  for (const auto& entry : std::get<proxy::AddrInfoResult>(result.body).entries) {
    infos.push_back(AddrInfo{entry.addr.family(), static_cast<SockType>(entry.socktype),
                             entry.proto, std::string(entry.canonname), entry.addr});
  }
  // Some ESP32 builds answer an unknown name with an empty list (PROTOCOL.md 9.4).
  if (infos.empty()) throw OSError::from_resolver(eai::noname);
  return infos;
}

NameInfo DeviceStack::do_getnameinfo(const SockAddr& addr, int flags) {
  if (addr.family() == Family::unspec) throw OSError::from_resolver(eai::family);
  // Numeric forms and service names need no board (PROTOCOL.md 8.3).
  NameInfo info{addr.host(), service_name(addr.port(), flags)};
  if (flags & ni::numerichost) return info;
  auto lock = session_->lock();
  session_->check();
  if (!session_->has(proxy::cap::getnameinfo)) {
    if (flags & ni::namereqd) throw OSError::from_resolver(eai::noname);
    return info;
  }
  proxy::GetNameInfoCall call;
  call.flags = static_cast<std::uint8_t>(flags | ni::numericserv);
  call.addr = addr;
  const auto result = session_->call_and_wait(lock, call, nullptr, Wait::forever());
  info.host = std::string(std::get<proxy::NameInfoResult>(result.body).host);
  return info;
}

std::unique_ptr<SocketBackend> DeviceStack::do_socket(Family family, SockType type, int proto) {
  auto lock = session_->lock();
  auto mirror = session_->open_socket(family, type, proto);
  return std::make_unique<device::DeviceSocket>(session_, std::move(mirror));
}

std::unique_ptr<PollerBackend> DeviceStack::do_poll() {
  return std::make_unique<device::DevicePoller>(session_);
}

}  // namespace usock
