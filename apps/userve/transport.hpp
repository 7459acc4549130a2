#pragma once
// A connection's byte stream: the accepted socket itself, or TLS over it.
// The worker drives both the same way, non-blocking: a call that would
// block raises OSError(EAGAIN) and is retried when the poller says so.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "usock/socket.hpp"

namespace usock {
class TlsServerContext;
class Tracer;
}  // namespace usock

namespace userve {

class Transport {
 public:
  virtual ~Transport() = default;
  // The socket under the stream, for the poller.
  virtual usock::Socket& socket() noexcept = 0;
  // 0 at EOF.
  virtual std::size_t recv_into(std::span<char> buffer) = 0;
  virtual std::size_t send(std::string_view data) = 0;
  // Up to `count` bytes of the file from `offset`; 0 if the file ended.
  virtual std::size_t send_file(int file_fd, std::uint64_t offset, std::size_t count) = 0;
  // Ends the stream cleanly (TLS: close_notify) and closes the socket.
  virtual void close() = 0;
};

std::unique_ptr<Transport> plain_transport(usock::Socket socket);
// Starts the TLS handshake on `socket`; it completes in the first transfers.
std::unique_ptr<Transport> tls_transport(usock::Socket socket,
                                         const usock::TlsServerContext& context,
                                         usock::Tracer* tracer);

}  // namespace userve
