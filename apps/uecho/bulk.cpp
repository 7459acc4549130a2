// Bulk mode: send generated data and read the echo at the same time, on one
// non-blocking socket, so neither side's buffers can fill up and deadlock
// the exchange; every echoed byte is compared with what was sent.

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "client.hpp"
#include "connect.hpp"
#include "exit_codes.hpp"
#include "pattern.hpp"
#include "progress.hpp"
#include "size.hpp"
#include "tool.hpp"
#include "usock/crc32.hpp"
#include "usock/error.hpp"

namespace uecho {
namespace {

using usock::cli::Failure;
using usock::cli::format_size;

constexpr std::size_t kChunk = 256 * 1024;

struct Transfer {
  std::uint64_t total;
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint32_t crc = 0;
  std::vector<char> outgoing = std::vector<char>(kChunk);
  std::size_t outgoing_begin = 0;
  std::size_t outgoing_end = 0;
  std::vector<char> incoming = std::vector<char>(kChunk);
  std::vector<char> expected = std::vector<char>(kChunk);
};

bool would_block(const usock::OSError& error) {
  return error.code() == EAGAIN;
}

// Sends the next piece, keeping at most `window` bytes unechoed.
void send_some(usock::Socket& socket, Transfer& transfer, std::uint64_t window) {
  if (transfer.outgoing_begin == transfer.outgoing_end) {
    const std::uint64_t room = window - (transfer.sent - transfer.received);
    const auto size = static_cast<std::size_t>(
        std::min({std::uint64_t{kChunk}, transfer.total - transfer.sent, room}));
    fill_pattern(std::span(transfer.outgoing).first(size), transfer.sent);
    transfer.outgoing_begin = 0;
    transfer.outgoing_end = size;
  }
  try {
    const std::size_t sent =
        socket.send(std::string_view(transfer.outgoing.data() + transfer.outgoing_begin,
                                     transfer.outgoing_end - transfer.outgoing_begin));
    transfer.outgoing_begin += sent;
    transfer.sent += sent;
  } catch (const usock::OSError& error) {
    if (!would_block(error)) throw;
  }
}

// Reads and checks what came back; false when the server closed.
bool receive_some(usock::Socket& socket, Transfer& transfer) {
  std::size_t got = 0;
  try {
    got = socket.recv_into(transfer.incoming);
  } catch (const usock::OSError& error) {
    if (would_block(error)) return true;
    throw;
  }
  if (got == 0) return false;
  if (transfer.received + got > transfer.sent) {
    throw Failure(usock::cli::kExitRecv,
                  fmt::format("the server sent {} bytes more than it was sent",
                              transfer.received + got - transfer.sent));
  }
  const auto expected = std::span(transfer.expected).first(got);
  fill_pattern(expected, transfer.received);
  if (std::memcmp(expected.data(), transfer.incoming.data(), got) != 0) {
    std::size_t at = 0;
    while (expected[at] == transfer.incoming[at])
      ++at;
    throw Failure(
        usock::cli::kExitFailure,
        fmt::format("echo differs from what was sent at byte {}", transfer.received + at));
  }
  transfer.crc = usock::crc32(std::string_view(transfer.incoming.data(), got), transfer.crc);
  transfer.received += got;
  return true;
}

void print_summary(const Transfer& transfer, double seconds, bool json) {
  const double megabytes_per_second = static_cast<double>(transfer.total) / seconds / 1e6;
  if (json) {
    usock::cli::write_stdout(fmt::format(
        "{{\"bytes\": {}, \"seconds\": {:.6f}, \"mb_per_s\": {:.1f}, \"crc32\": \"0x{:08x}\", "
        "\"verified\": true}}\n",
        transfer.total, seconds, megabytes_per_second, transfer.crc));
  } else {
    usock::cli::write_stdout(fmt::format(
        "{} bytes ({}) echoed in {:.3f} s: {:.1f} MB/s, crc32 0x{:08x}, every byte verified\n",
        transfer.total, format_size(transfer.total), seconds, megabytes_per_second, transfer.crc));
  }
}

}  // namespace

int run_bulk(usock::Stack& stack, const Endpoint& endpoint, const ClientOptions& options,
             bool show_progress) {
  Peer peer = open_peer(stack, endpoint, options.timeout);
  usock::Socket& socket = peer.socket;
  Transfer transfer{*options.bytes};
  usock::cli::Progress progress(transfer.total, show_progress);
  const auto started = std::chrono::steady_clock::now();
  const int stall_ms = static_cast<int>(options.timeout * 1000);
  try {
    socket.setblocking(false);
    usock::Poller poller = stack.poll();
    // Ask for writability only while there is data to send and room in the
    // window; re-registering only when that changes keeps epoll calls rare.
    unsigned interest = 0;
    const auto want = [&] {
      const bool room = transfer.sent - transfer.received < options.window;
      return usock::pollev::in | (transfer.sent < transfer.total && room ? usock::pollev::out : 0u);
    };
    interest = want();
    poller.add(socket, interest, 0);
    while (transfer.received < transfer.total) {
      const auto& events = poller.poll(stall_ms);
      if (events.empty()) {
        throw Failure(usock::cli::kExitTimeout,
                      fmt::format("no progress for {} s after {} of {} bytes echoed",
                                  options.timeout, transfer.received, transfer.total));
      }
      const unsigned ready = events.front().events;
      if ((ready & ~usock::pollev::out) && !receive_some(socket, transfer)) {
        throw Failure(usock::cli::kExitRecv,
                      fmt::format("the server closed the connection after echoing {} of {} bytes",
                                  transfer.received, transfer.total));
      }
      if ((interest & usock::pollev::out) && (ready & usock::pollev::out)) {
        send_some(socket, transfer, options.window);
      }
      if (const unsigned now_wanted = want(); now_wanted != interest) {
        interest = now_wanted;
        poller.modify(socket, interest, 0);
      }
      progress.update(transfer.received);
    }
  } catch (const usock::OSError& error) {
    progress.finish();
    fail_exchange(error, peer.address);
  }
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  print_summary(transfer, seconds, options.json);
  return usock::cli::kExitOk;
}

}  // namespace uecho
