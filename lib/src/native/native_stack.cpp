#include "usock/native_stack.hpp"

#include <netdb.h>

#include <cctype>
#include <cerrno>
#include <memory>
#include <string>

#include "convert.hpp"
#include "native_poller.hpp"
#include "native_socket.hpp"
#include "usock/error.hpp"

namespace usock {
namespace {

static_assert(ni::numerichost == NI_NUMERICHOST && ni::numericserv == NI_NUMERICSERV &&
                  ni::nofqdn == NI_NOFQDN && ni::namereqd == NI_NAMEREQD && ni::dgram == NI_DGRAM,
              "the portable NI_* numbers are glibc's; getnameinfo passes them through");

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

[[noreturn]] void raise_resolver(int code) {
  if (code == EAI_SYSTEM) throw OSError::from_errno(errno);
  throw OSError::from_resolver(code);
}

// glibc reads "70000" or "-1" in its own ways; a service that looks numeric
// must be a port in 0-65535, and names are left to the services database.
void check_service(std::string_view port) {
  const bool numeric_looking =
      !port.empty() && !std::isalpha(static_cast<unsigned char>(port.front()));
  if (numeric_looking && !parse_port(port)) throw OSError::from_resolver(eai::service);
}

}  // namespace

std::vector<AddrInfo> NativeStack::do_getaddrinfo(std::optional<std::string_view> host,
                                                  std::optional<std::string_view> port,
                                                  const AddrHints& hints) {
  if (port) check_service(*port);
  addrinfo native_hints{};
  native_hints.ai_family = native::to_native(hints.family);
  native_hints.ai_socktype = native::to_native(hints.type);
  native_hints.ai_protocol = hints.proto;
  native_hints.ai_flags = native::to_native_ai_flags(hints.flags);
  const std::string host_text(host.value_or(""));
  const std::string port_text(port.value_or(""));
  addrinfo* raw = nullptr;
  const int status = ::getaddrinfo(host ? host_text.c_str() : nullptr,
                                   port ? port_text.c_str() : nullptr, &native_hints, &raw);
  if (status != 0) raise_resolver(status);
  const std::unique_ptr<addrinfo, AddrInfoDeleter> list(raw);
  std::vector<AddrInfo> out;
  for (const addrinfo* entry = raw; entry != nullptr; entry = entry->ai_next) {
    const auto family = native::from_native_family(entry->ai_family);
    if (!family) continue;
    out.push_back(AddrInfo{
        *family,
        static_cast<SockType>(entry->ai_socktype),
        entry->ai_protocol,
        entry->ai_canonname ? entry->ai_canonname : "",
        native::from_native(entry->ai_addr, entry->ai_addrlen),
    });
  }
  return out;
}

NameInfo NativeStack::do_getnameinfo(const SockAddr& addr, int flags) {
  const native::NativeAddr native = native::to_native(addr);
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  const int status =
      ::getnameinfo(native.get(), native.length, host, sizeof host, service, sizeof service, flags);
  if (status != 0) raise_resolver(status);
  return NameInfo{host, service};
}

std::unique_ptr<SocketBackend> NativeStack::do_socket(Family family, SockType type, int proto) {
  return native::NativeSocket::open(family, type, proto);
}

std::unique_ptr<PollerBackend> NativeStack::do_poll() {
  return std::make_unique<native::NativePoller>();
}

namespace {

native::NativePoller& native_poller(Poller& poller) {
  auto* native = dynamic_cast<native::NativePoller*>(&poller.backend());
  if (native == nullptr) throw OSError::from_errno(EINVAL);
  return *native;
}

}  // namespace

void watch_fd(Poller& poller, int fd, unsigned events, std::uint64_t token) {
  native_poller(poller).watch_fd(fd, events, token);
}

void unwatch_fd(Poller& poller, int fd) {
  native_poller(poller).unwatch_fd(fd);
}

}  // namespace usock
