#include "transport.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "usock/error.hpp"
#include "usock/tls.hpp"

namespace userve {
namespace {

class PlainTransport final : public Transport {
 public:
  explicit PlainTransport(usock::Socket socket) : socket_(std::move(socket)) {}
  usock::Socket& socket() noexcept override { return socket_; }
  std::size_t recv_into(std::span<char> buffer) override { return socket_.recv_into(buffer); }
  std::size_t send(std::string_view data) override { return socket_.send(data); }
  std::size_t send_file(int file_fd, std::uint64_t offset, std::size_t count) override {
    return socket_.sendfile(file_fd, offset, count);
  }
  void close() override { socket_.close(); }

 private:
  usock::Socket socket_;
};

class TlsTransport final : public Transport {
 public:
  explicit TlsTransport(usock::TlsStream stream) : stream_(std::move(stream)) {}
  usock::Socket& socket() noexcept override { return stream_.socket(); }
  std::size_t recv_into(std::span<char> buffer) override { return stream_.recv_into(buffer); }
  std::size_t send(std::string_view data) override { return stream_.send(data); }
  // The file's bytes must be encrypted here, so they go through memory. A
  // record OpenSSL framed but could not send is sent again from the same
  // bytes on the retry, which re-reads them from the same offset.
  std::size_t send_file(int file_fd, std::uint64_t offset, std::size_t count) override {
    std::array<char, 16 * 1024> buffer;
    ssize_t got = -1;
    do {
      got = ::pread(file_fd, buffer.data(), std::min(count, buffer.size()),
                    static_cast<off_t>(offset));
    } while (got < 0 && errno == EINTR);
    if (got < 0) throw usock::OSError::from_errno(errno);
    if (got == 0) return 0;
    return stream_.send(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
  }
  void close() override { stream_.close(); }

 private:
  usock::TlsStream stream_;
};

}  // namespace

std::unique_ptr<Transport> plain_transport(usock::Socket socket) {
  return std::make_unique<PlainTransport>(std::move(socket));
}

std::unique_ptr<Transport> tls_transport(usock::Socket socket,
                                         const usock::TlsServerContext& context,
                                         usock::Tracer* tracer) {
  return std::make_unique<TlsTransport>(
      usock::TlsStream::accept(std::move(socket), context, tracer));
}

}  // namespace userve
