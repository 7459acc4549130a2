#include "usock/backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "usock/error.hpp"

namespace usock {

std::size_t SocketBackend::send_file(int file_fd, std::uint64_t offset, std::size_t count,
                                     Wait wait) {
  // One send's worth: what the socket does not take is read again next time,
  // which costs a little and keeps the caller's offset the only state.
  std::array<char, 64 * 1024> buffer;
  const std::size_t wanted = std::min(count, buffer.size());
  ssize_t got = -1;
  do {
    got = ::pread(file_fd, buffer.data(), wanted, static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  if (got < 0) throw OSError::from_errno(errno);
  if (got == 0) return 0;
  return send(std::span<const char>(buffer.data(), static_cast<std::size_t>(got)), 0, wait);
}

}  // namespace usock
