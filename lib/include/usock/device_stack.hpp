#pragma once
// DeviceStack: a Stack whose calls run on a board behind a serial line
// (PROTOCOL.md 10). It opens the line, finds the agent, and keeps one
// session with it on a link thread of its own; sockets mirror what the board
// pushes, so recv, accept and poll of data already pushed cost no round
// trip. Failures of the line itself are LinkError (link_error.hpp).

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "usock/link.hpp"
#include "usock/stack.hpp"

namespace usock {

namespace device {
class Session;
}  // namespace device

struct DeviceOptions {
  // The tool's name, for the board's logs: HELLO carries "usock/<version> <tool>".
  std::string tool;
  // With no agent answering, start one through the raw REPL (PROTOCOL.md
  // 7.7); otherwise "no agent answering", for a board that starts the agent
  // itself from main.py.
  bool inject = true;
  // Soft-reset the board in the raw REPL before the upload (a clean heap;
  // the board's state is lost).
  bool soft_reset = false;
  // The program to upload instead of the built-in agent; empty: the agent.
  std::string agent;
  // The uploaded agent's largest frame body, passed as main(mtu=N): a
  // smaller link for a board short of heap (PROTOCOL.md 7.7); 0: its own.
  unsigned agent_mtu = 0;
  // How long an ANNOUNCE may take without injection (an uploaded agent gets
  // at least 10 s: it compiles first).
  std::chrono::milliseconds announce_timeout{3000};
  // The shortest silence that counts as a lost link (PROTOCOL.md 5.5: 3 s,
  // or four retransmission timeouts when those are longer).
  std::chrono::milliseconds dead_after{3000};
};

class DeviceStack final : public Stack {
 public:
  // Opens the line and runs the handshake; raises LinkError (the port
  // cannot be opened, no agent answers, the versions do not meet).
  static std::unique_ptr<DeviceStack> open(const LinkAddress& address,
                                           const DeviceOptions& options);
  // Best effort and bounded: says BYE if finish() did not, never throws.
  ~DeviceStack() override;

  // "esp32 @ serial:///dev/ttyUSB0?baud=115200"
  std::string description() const override;
  // From HELLO_ACK: platform, implementation, machine, agent, free memory.
  std::vector<std::pair<std::string, std::string>> properties() const override;
  void finish(Wait wait) override;

 protected:
  std::vector<AddrInfo> do_getaddrinfo(std::optional<std::string_view> host,
                                       std::optional<std::string_view> port,
                                       const AddrHints& hints) override;
  NameInfo do_getnameinfo(const SockAddr& addr, int flags) override;
  std::unique_ptr<SocketBackend> do_socket(Family family, SockType type, int proto) override;
  std::unique_ptr<PollerBackend> do_poll() override;

 private:
  explicit DeviceStack(std::shared_ptr<device::Session> session);

  // Shared with every socket and poller, which may outlive the stack by
  // mistake without touching freed memory.
  std::shared_ptr<device::Session> session_;
};

}  // namespace usock
