#pragma once
// The line to a board, below the serial-proxy protocol: a full-duplex byte
// stream over a serial port or pseudo-terminal, a TCP connection (a board
// bridged by ser2net, or `uboard --listen`), or this process's stdin and
// stdout. Named by a URI, as --device takes it:
//
//   serial:///dev/ttyUSB0?baud=115200   a serial port, raw 8N1 at that rate
//   /dev/ttyACM0, /dev/pts/3            the same, 115200 baud
//   tcp://127.0.0.1:7000                a TCP connection
//   stdio, -                            stdin and stdout
//
// Reads and writes take a Wait, as sockets do; the link thread of the device
// stack polls read_fd() and write_fd() with everything else it waits for.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "usock/wait.hpp"

namespace usock {

struct LinkAddress {
  enum class Kind { serial, tcp, stdio };
  Kind kind = Kind::serial;
  std::string path;  // serial: the device
  std::string host;  // tcp
  std::uint16_t port = 0;
  unsigned baud = 115200;  // serial

  // The URI again, canonical: "serial:///dev/ttyUSB0?baud=115200".
  std::string text() const;
};

// Parses a --device URI; nullopt and `error` set for anything malformed: an
// unknown scheme or option, a baud rate the line discipline does not know,
// a port outside 1-65535, a serial path that is not absolute.
std::optional<LinkAddress> parse_link_uri(std::string_view uri, std::string& error);

class Link {
 public:
  // Opens the line. A serial port is put in raw 8N1 mode at its baud rate,
  // with DTR and RTS dropped at once and left low on close, because ESP32
  // and ESP8266 boards wire them to reset and boot-mode pins. Raises OSError
  // with the reason ("cannot open serial port /dev/ttyUSB0: ...").
  static Link open(const LinkAddress& address, Wait wait = Wait::forever());

  Link(Link&& other) noexcept;
  Link& operator=(Link&& other) noexcept;
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;
  ~Link();

  // Some bytes, 0 once the line is gone (hang-up, peer closed, EOF on stdin).
  // Wait::never raises EAGAIN when nothing is there; a deadline ETIMEDOUT.
  std::size_t read_some(std::span<char> buffer, Wait wait);
  // Some of `data`, at least one byte unless it raises (EAGAIN, ETIMEDOUT,
  // EIO or EPIPE once the line is gone).
  std::size_t write_some(std::string_view data, Wait wait);

  int read_fd() const noexcept { return in_fd_; }
  int write_fd() const noexcept { return out_fd_; }
  const LinkAddress& address() const noexcept { return address_; }
  void close() noexcept;

 private:
  Link(LinkAddress address, int in_fd, int out_fd, bool owns_fds);
  void await(int fd, short events, Wait wait) const;

  LinkAddress address_;
  int in_fd_;
  int out_fd_;
  bool owns_fds_;  // false for stdio, which belongs to the process
};

}  // namespace usock
