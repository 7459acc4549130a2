#pragma once
// Failures of the line to a board rather than of a socket call on it
// (PROTOCOL.md 13): the port cannot be opened, no agent answers, the board
// resets, the link goes silent or too noisy. They are OSErrors with errno
// ENOLINK, so every existing handler still catches them, and carry a kind
// that the tools map to their own exit codes.

#include <string>

#include "usock/error.hpp"

namespace usock {

class LinkError : public OSError {
 public:
  enum class Kind {
    not_found,      // the device path does not exist, the tcp:// host does not resolve
    unavailable,    // busy, permission denied, connection refused
    handshake,      // no agent answering, version mismatch
    lost,           // silence, port vanished, protocol error
    reset,          // the board reset (new boot id, confirmed console marker, RESET)
    noisy,          // CRC storm: the line is unusable
    agent_crashed,  // a traceback or MemoryError ended the agent
    interrupted,    // the agent was stopped by Ctrl-C, or the host by SIGINT
  };

  // `message` is the whole sentence a user sees, e.g. "device link lost (no
  // reply for 3.1 s on /dev/ttyUSB0)".
  LinkError(Kind kind, std::string message);

  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

}  // namespace usock
