#pragma once
// Stack: one machine's network stack, i.e. its `socket` module. The native
// stack runs calls on this host's kernel; a device stack runs them on a board
// behind a serial link. Tools take a Stack& and never call POSIX sockets
// themselves, which is what makes --device work for every tool.
//
// The public calls are the module's functions; they narrate themselves to the
// tracer and delegate to the do_* primitives each stack implements.
//
// Threads: a Stack and its sockets may be used from several threads, one
// socket by one thread at a time (userve's loops share one stack; a device
// stack serialises them onto its one line).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "usock/address.hpp"
#include "usock/backend.hpp"
#include "usock/constants.hpp"
#include "usock/poller.hpp"
#include "usock/socket.hpp"
#include "usock/wait.hpp"

namespace usock {

class Tracer;

class Stack {
 public:
  virtual ~Stack() = default;
  Stack() = default;
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // socket.getaddrinfo(host, port, af, type, proto, flags). A missing host is
  // None (with ai::passive, the wildcard address); a missing port is None.
  // Raises OSError with a negative code on resolver failures.
  std::vector<AddrInfo> getaddrinfo(std::optional<std::string_view> host,
                                    std::optional<std::string_view> port,
                                    const AddrHints& hints = {});
  // socket.getnameinfo(sockaddr, flags): ni::* flags.
  NameInfo getnameinfo(const SockAddr& addr, int flags = 0);
  // socket.socket(af, type, proto); `name` is what --trace calls it.
  Socket socket(Family family = Family::inet, SockType type = SockType::stream, int proto = 0,
                std::string name = "s");
  // select.poll()
  Poller poll();

  // Narration of every call on this stack and its sockets; nullptr = silent.
  void set_tracer(Tracer* tracer) noexcept { tracer_ = tracer; }
  Tracer* tracer() const noexcept { return tracer_; }

  // Where the calls run, for messages: "native", "esp32 @ serial:///dev/ttyUSB0".
  virtual std::string description() const = 0;
  // Facts about where the calls run, for -v and --json ("platform",
  // "esp32"); empty for this host.
  virtual std::vector<std::pair<std::string, std::string>> properties() const { return {}; }

  // Finishes what calls left under way before a tool exits: a device stack
  // delivers the data send() accepted and the closes close() queued, then
  // hands the board back, raising LinkError if the board reset or the link
  // failed meanwhile (PROTOCOL.md A.2). The kernel does this for a native
  // stack after the process exits, so there it does nothing.
  virtual void finish(Wait /*wait*/) {}

 protected:
  virtual std::vector<AddrInfo> do_getaddrinfo(std::optional<std::string_view> host,
                                               std::optional<std::string_view> port,
                                               const AddrHints& hints) = 0;
  virtual NameInfo do_getnameinfo(const SockAddr& addr, int flags) = 0;
  virtual std::unique_ptr<SocketBackend> do_socket(Family family, SockType type, int proto) = 0;
  virtual std::unique_ptr<PollerBackend> do_poll() = 0;

 private:
  Tracer* tracer_ = nullptr;
};

}  // namespace usock
