#pragma once
// Serial ports and pseudo-terminals (termios), for the serial-proxy link and
// for `uboard --pty`, which plays a board on the master side of a pty.

#include <string>

namespace usock {

// The baud rates a serial port can be set to: termios' standard rates, 50
// to 4000000.
bool is_supported_baud(unsigned baud);

// Raw 8N1 at `baud`, no flow control, no echo, no line editing, reads that
// return what is there; HUPCL off so closing the port leaves DTR alone.
// Raises OSError(EINVAL) for a rate termios does not know.
void make_raw_serial(int fd, unsigned baud);

// Whether `path` (after symlinks) is the slave side of a pseudo-terminal:
// a line with no rate of its own, however its baud is set.
bool is_pseudo_terminal(const std::string& path);

// Drops DTR and RTS (ignored where the line has no modem lines, as a pty).
void drop_modem_lines(int fd);

// A pseudo-terminal in raw mode. The owner keeps the master side; anyone may
// open `path` as a serial port, as a host would a board's USB port.
class Pty {
 public:
  Pty();
  ~Pty();
  Pty(Pty&& other) noexcept;
  Pty& operator=(Pty&&) = delete;
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  int master_fd() const noexcept { return master_; }
  const std::string& path() const noexcept { return path_; }

 private:
  int master_;
  // Held open so the master sees no hang-up while no host has the path
  // open yet, or between two hosts.
  int keeper_;
  std::string path_;
};

}  // namespace usock
