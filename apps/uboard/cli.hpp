#pragma once
// uboard's options: which line it plays a board on (a pseudo-terminal, a
// serial port, a TCP port or stdio) and how it distorts that line (pacing,
// noise, latency, a reset), PROTOCOL.md 11.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tool.hpp"
#include "usock/link.hpp"

namespace uboard {

struct LineOptions {
  bool pty = false;
  std::optional<std::string> symlink;  // --link: a stable name for the pty
  std::optional<std::string> serial;
  std::optional<usock::LinkAddress> listen;  // tcp://host:port
};

// What the emulated line does to the bytes between the frame codec and the port.
struct EmulationOptions {
  unsigned baud = 0;  // 0: unpaced
  double noise = 0;   // probability a byte is corrupted; a tenth of it, dropped
  std::uint64_t seed = 0;
  std::optional<std::uint64_t> reset_after;  // wire bytes, both directions
  std::chrono::milliseconds latency{0};
};

class Cli final : public usock::cli::ToolCli {
 public:
  Cli();
  const LineOptions& line() const noexcept { return line_; }
  const EmulationOptions& emulation() const noexcept { return emulation_; }
  unsigned max_sockets() const noexcept { return max_sockets_; }
  // --seed, or a random one when absent.
  std::uint64_t seed() const;

 private:
  LineOptions line_;
  EmulationOptions emulation_;
  std::optional<std::uint64_t> seed_;
  unsigned max_sockets_ = 64;
};

}  // namespace uboard
