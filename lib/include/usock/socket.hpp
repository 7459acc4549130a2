#pragma once
// Socket: the usocket API of MicroPython's socket module (seed 002), on any
// Stack. A move-only handle; the Stack that made it must outlive it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "usock/backend.hpp"
#include "usock/constants.hpp"
#include "usock/sockaddr.hpp"

namespace usock {

class Tracer;

class Socket {
 public:
  // Made by Stack::socket(); `name` is what --trace calls it ("s", "conn").
  Socket(std::unique_ptr<SocketBackend> backend, Tracer* tracer, std::string name);
  Socket(Socket&&) noexcept;
  Socket& operator=(Socket&&) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();

  void bind(const SockAddr& addr);
  // MicroPython: a backlog below 0 is taken as 0; no argument picks a default.
  void listen(std::optional<int> backlog = std::nullopt);
  // Returns (conn, address); conn inherits this socket's tracer, named "conn".
  std::pair<Socket, SockAddr> accept();
  void connect(const SockAddr& addr);

  // May send fewer bytes than given ("short write"); returns how many.
  std::size_t send(std::string_view data, int flags = 0);
  // CPython's sendfile(file, offset, count), one attempt: sends up to `count`
  // bytes of the open file `file_fd` from `offset` and returns how many went
  // (0 when the file ends first). The kernel copies them where the stack can.
  std::size_t sendfile(int file_fd, std::uint64_t offset, std::size_t count);
  // Sends everything, looping over short writes, within one timeout.
  void sendall(std::string_view data);
  // At most `bufsize` bytes; empty at EOF. flags: msg::peek, msg::dontwait.
  std::string recv(std::size_t bufsize, int flags = 0);
  // CPython's recv_into: one recv into the caller's buffer, no allocation;
  // returns the byte count, 0 at EOF.
  std::size_t recv_into(std::span<char> buffer, int flags = 0);
  std::size_t sendto(std::string_view data, const SockAddr& to);
  std::pair<std::string, SockAddr> recvfrom(std::size_t bufsize, int flags = 0);

  void setsockopt(int level, int optname, int value);
  void setsockopt(int level, int optname, std::string_view value);
  int getsockopt_int(int level, int optname);

  // None blocks, 0 makes the socket non-blocking, t > 0 bounds each call by
  // t seconds, after which it raises OSError(ETIMEDOUT). Negative: EINVAL.
  void settimeout(std::optional<double> seconds);
  std::optional<double> gettimeout() const noexcept { return timeout_; }
  // setblocking(true) == settimeout(None); setblocking(false) == settimeout(0).
  void setblocking(bool flag);

  // Stream interface. read() reads to EOF; read(n) and readinto make no short
  // reads on a blocking socket (they stop early only at EOF). On a
  // non-blocking socket they return what is there, and raise EAGAIN when
  // nothing is.
  std::string read(std::optional<std::size_t> size = std::nullopt);
  std::size_t readinto(std::span<char> buffer, std::optional<std::size_t> nbytes = std::nullopt);
  // One line including its '\n' (or what is left before EOF). Consumes no byte
  // past the newline, so recv() after readline() sees the next line intact.
  std::string readline();
  // No short writes on a blocking socket; on a non-blocking one returns what
  // was written.
  std::size_t write(std::string_view data);
  // MicroPython's makefile() returns the socket itself: streams are built in.
  Socket& makefile() noexcept { return *this; }

  SockAddr getsockname();
  SockAddr getpeername();
  void shutdown(int how);
  // QuecPython's getsocketsta(): the TCP state, -1 (unknown) once closed.
  TcpState getsocketsta();

  // Idempotent; every later call but close() raises OSError(EBADF).
  void close();
  bool closed() const noexcept { return backend_ == nullptr; }

  const std::string& name() const noexcept { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  // For the stack's own poller, which needs the backend it made.
  SocketBackend& backend();

 private:
  Wait wait() const;
  std::size_t write_all(std::string_view data, Wait wait, bool stop_when_blocked);
  std::size_t read_into(std::span<char> buffer, Wait wait);
  // One recv that serves kept bytes first.
  std::size_t receive(std::span<char> buffer, int flags, Wait wait);

  std::unique_ptr<SocketBackend> backend_;
  Tracer* tracer_;
  std::string name_;
  std::optional<double> timeout_;
  // Bytes a read took before it raised, so a timeout in the middle of
  // read(n) or readline() loses nothing.
  std::string kept_;
};

}  // namespace usock
