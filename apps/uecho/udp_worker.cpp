#include "udp_worker.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>

#include "usock/error.hpp"

namespace uecho {
namespace {

// The largest UDP payload over IPv4 (65535 - 8 - 20); IPv6 allows 65527.
constexpr std::size_t kMaxDatagram = 65535;
constexpr int kStopCheckMs = 250;

}  // namespace

UdpWorker::UdpWorker(usock::Stack& stack, usock::Socket socket, const ServerOptions& options,
                     Reporter& reporter)
    : socket_(std::move(socket)), options_(options), reporter_(reporter), poller_(stack.poll()) {
  socket_.setblocking(false);
  poller_.add(socket_, usock::pollev::in, 0);
}

void UdpWorker::run(const std::atomic<bool>& stopping) {
  while (!stopping.load(std::memory_order_relaxed)) {
    if (poller_.poll(kStopCheckMs).empty()) continue;
    try {
      const auto [data, peer] = socket_.recvfrom(kMaxDatagram);
      reporter_.line("Datagram from " + peer.repr());
      socket_.sendto(data, peer);
    } catch (const usock::OSError& error) {
      // A full send buffer drops the echo, as UDP may; an ICMP error from an
      // earlier peer surfaces here too and concerns only that peer.
      if (error.code() != EAGAIN) spdlog::info("datagram not echoed: {}", error.reason());
      continue;
    }
    if (options_.once) return;
  }
}

}  // namespace uecho
