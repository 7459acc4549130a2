#pragma once
// The rules of MicroPython's stream methods, shared by every stream the
// library offers (Socket, TlsStream): read(n) and readinto make no short
// reads, read() reads to EOF, write makes no short writes; on a non-blocking
// stream each returns what it managed. Each stream supplies the primitive,
// one attempt that may move fewer bytes; bytes a failed read had taken are
// kept, so a timeout in the middle loses nothing.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "usock/error.hpp"

namespace usock::detail {

inline bool would_block(const OSError& error) {
  return error.code() == EAGAIN;
}

// `kept` holds bytes a failed read had taken; the stream serves them before
// its own. Copies them into `out`, consuming them unless `peek`.
inline std::size_t serve_kept(std::string& kept, std::span<char> out, bool peek) {
  const std::size_t size = std::min(out.size(), kept.size());
  std::memcpy(out.data(), kept.data(), size);
  if (!peek) kept.erase(0, size);
  return size;
}

// Puts `data` back in front of whatever is kept already.
inline void keep(std::string& kept, std::string_view data) {
  kept.insert(0, data);
}

// Fills `buffer` unless EOF comes first. `receive(span)` makes one attempt
// (serving kept bytes first) and returns 0 at EOF.
template <class Receive>
std::size_t read_fully(std::span<char> buffer, std::string& kept, Receive receive) {
  std::size_t done = 0;
  try {
    while (done < buffer.size()) {
      const std::size_t got = receive(buffer.subspan(done));
      if (got == 0) break;
      done += got;
    }
  } catch (const OSError& error) {
    // Non-blocking: hand back what arrived; with nothing at all, let it raise.
    if (would_block(error) && done > 0) return done;
    keep(kept, std::string_view(buffer.data(), done));
    throw;
  }
  return done;
}

// Reads until EOF.
template <class Receive>
std::string read_to_eof(std::string& kept, Receive receive) {
  constexpr std::size_t kChunk = 64 * 1024;
  std::string data;
  while (true) {
    const std::size_t old = data.size();
    data.resize(old + kChunk);
    std::size_t got = 0;
    try {
      got = receive(std::span<char>(data).subspan(old));
    } catch (const OSError& error) {
      data.resize(old);
      if (would_block(error) && !data.empty()) return data;
      keep(kept, data);
      throw;
    }
    data.resize(old + got);
    if (got == 0) return data;
  }
}

// Writes everything, looping over short writes; `send(view)` makes one
// attempt. With `stop_when_blocked` (write() on a non-blocking stream) it
// returns the count at the first EAGAIN; otherwise every error raises.
template <class Send>
std::size_t write_fully(std::string_view data, bool stop_when_blocked, Send send) {
  std::size_t done = 0;
  try {
    while (done < data.size())
      done += send(data.substr(done));
  } catch (const OSError& error) {
    if (!stop_when_blocked || !would_block(error)) throw;
  }
  return done;
}

}  // namespace usock::detail
