#pragma once
// The port uboard plays a board on: the master side of a pseudo-terminal, a
// serial port, one TCP client at a time, or stdio. All reads and writes are
// attempts that never block; the board's loop waits on the descriptors.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli.hpp"
#include "usock/link.hpp"
#include "usock/serial.hpp"

namespace uboard {

class Port {
 public:
  explicit Port(const LineOptions& options);
  ~Port();
  Port(const Port&) = delete;
  Port& operator=(const Port&) = delete;

  // The pty's path, or a description: "serial /dev/ttyUSB0", "tcp://127.0.0.1:7000".
  const std::string& name() const noexcept { return name_; }
  // Descriptors to wait on; -1 when there is none (a TCP port between clients).
  int read_fd() const noexcept;
  int write_fd() const noexcept;
  // TCP: the listening descriptor, readable when a client knocks; else -1.
  int listen_fd() const noexcept { return listen_fd_; }

  // Takes the waiting TCP client, replacing the current one. False if none.
  bool accept_client();
  // Bytes read; 0 when nothing is there; nullopt when the line is gone (the
  // TCP client left, stdin ended).
  std::optional<std::size_t> read(std::span<char> buffer);
  // Bytes written; 0 when the line takes nothing now; nullopt when it is gone.
  std::optional<std::size_t> write(std::string_view bytes);
  // Whether a client (TCP) or the line itself (the others) is there.
  bool connected() const noexcept { return read_fd() >= 0; }
  void drop_client();

 private:
  std::optional<usock::Pty> pty_;
  std::optional<usock::Link> link_;  // serial, stdio
  int listen_fd_ = -1;
  int client_fd_ = -1;
  std::string name_;
  std::string symlink_;
};

}  // namespace uboard
