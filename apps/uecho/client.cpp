#include "client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "connect.hpp"
#include "exit_codes.hpp"
#include "json.hpp"
#include "tool.hpp"
#include "usock/error.hpp"
#include "usock/pyrepr.hpp"

namespace uecho {
namespace {

using usock::cli::Failure;

// One message and its echo. TCP may split the echo: read until the whole
// message is back (or the server closes); UDP's echo is one datagram.
std::string exchange(Peer& peer, bool udp, const std::string& message) {
  if (udp) {
    peer.socket.sendto(message, peer.address);
    return peer.socket.recvfrom(65535).first;
  }
  peer.socket.sendall(message);
  std::string echo;
  while (echo.size() < message.size()) {
    const std::string part = peer.socket.recv(std::max<std::size_t>(1024, message.size()));
    if (part.empty()) break;
    echo += part;
  }
  return echo;
}

}  // namespace

int run_echo_once(usock::Stack& stack, const Endpoint& endpoint, const ClientOptions& options) {
  Peer peer = open_peer(stack, endpoint, options.timeout);
  std::string echo;
  try {
    echo = exchange(peer, endpoint.udp, options.message);
  } catch (const usock::OSError& error) {
    fail_exchange(error, peer.address);
  }
  usock::cli::write_stdout("Received " + usock::py_repr_bytes(echo) + "\n");
  if (echo.size() < options.message.size()) {
    throw Failure(usock::cli::kExitRecv, fmt::format("server closed after echoing {} of {} bytes",
                                                     echo.size(), options.message.size()));
  }
  return usock::cli::kExitOk;
}

int run_ping(usock::Stack& stack, const Endpoint& endpoint, const ClientOptions& options) {
  Peer peer = open_peer(stack, endpoint, options.timeout);
  const unsigned count = *options.count;
  std::vector<double> rtts;
  for (unsigned seq = 1; seq <= count; ++seq) {
    if (seq > 1) std::this_thread::sleep_for(std::chrono::duration<double>(options.interval));
    const auto started = std::chrono::steady_clock::now();
    std::string echo;
    try {
      echo = exchange(peer, endpoint.udp, options.message);
    } catch (const usock::OSError& error) {
      // A lost datagram is a lost ping; a broken TCP stream ends the run.
      if (!endpoint.udp || error.code() != ETIMEDOUT) fail_exchange(error, peer.address);
      if (!options.json) usock::cli::write_stdout(fmt::format("seq={} timeout\n", seq));
      continue;
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (echo != options.message) {
      throw Failure(usock::cli::kExitRecv,
                    fmt::format("echo of seq={} differs from what was sent: {}", seq,
                                usock::py_repr_bytes_brief(echo)));
    }
    rtts.push_back(ms);
    if (!options.json) {
      usock::cli::write_stdout(fmt::format("{} bytes from {}: seq={} time={:.3f} ms\n", echo.size(),
                                           peer.address.repr(), seq, ms));
    }
  }
  const auto received = rtts.size();
  const double lost = 100.0 * static_cast<double>(count - received) / count;
  double min = 0, max = 0, avg = 0, mdev = 0;
  if (!rtts.empty()) {
    min = *std::min_element(rtts.begin(), rtts.end());
    max = *std::max_element(rtts.begin(), rtts.end());
    for (double rtt : rtts)
      avg += rtt;
    avg /= static_cast<double>(received);
    for (double rtt : rtts)
      mdev += (rtt - avg) * (rtt - avg);
    mdev = std::sqrt(mdev / static_cast<double>(received));
  }
  if (options.json) {
    std::string list;
    for (double rtt : rtts)
      list += (list.empty() ? "" : ", ") + fmt::format("{:.3f}", rtt);
    usock::cli::write_stdout(fmt::format(
        "{{\"peer\": {}, \"sent\": {}, \"received\": {}, \"lost_percent\": {:.1f}, "
        "\"min_ms\": {:.3f}, \"avg_ms\": {:.3f}, \"max_ms\": {:.3f}, \"mdev_ms\": {:.3f}, "
        "\"rtt_ms\": [{}]}}\n",
        usock::cli::json_string(peer.address.repr()), count, received, lost, min, avg, max, mdev,
        list));
  } else {
    usock::cli::write_stdout(
        fmt::format("--- {} echo statistics ---\n{} sent, {} received, {:.0f}% lost\n"
                    "rtt min/avg/max/mdev = {:.3f}/{:.3f}/{:.3f}/{:.3f} ms\n",
                    peer.address.repr(), count, received, lost, min, avg, max, mdev));
  }
  return received == count ? usock::cli::kExitOk : usock::cli::kExitTimeout;
}

}  // namespace uecho
