#pragma once
// Two link endpoints joined by a line in memory, in simulated time: each
// direction can corrupt, drop or duplicate bytes, so the link layer's
// promises (every message once, in order) are tested on a line far worse
// than a real one, deterministically.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "usock/proxy/endpoint.hpp"

namespace usock::test {

struct LineFaults {
  double corrupt = 0;      // probability that a byte is replaced by a random one
  double drop = 0;         // probability that a byte is lost
  bool duplicate = false;  // every write arrives twice
  bool mute = false;       // nothing arrives
};

class SimulatedLine {
 public:
  SimulatedLine(proxy::LinkEndpoint& host, proxy::LinkEndpoint& device, std::uint32_t seed = 1)
      : host_(host), device_(device), random_(seed) {}

  LineFaults to_device;
  LineFaults to_host;
  Clock::time_point now = Clock::time_point{} + std::chrono::hours(1);
  // Bytes that crossed each way, after faults.
  std::uint64_t carried_to_device = 0;
  std::uint64_t carried_to_host = 0;

  // One step: both sides write what they have, the line carries it, time
  // moves on by `tick` (or to the next timer when both are idle).
  // Returns whether anything was written.
  bool step(std::chrono::microseconds tick = std::chrono::microseconds(200)) {
    const bool to_device_moved = carry(host_, device_, to_device, carried_to_device);
    const bool to_host_moved = carry(device_, host_, to_host, carried_to_host);
    const bool moved = to_device_moved || to_host_moved;
    if (moved) {
      now += tick;
    } else {
      const Clock::time_point next = std::min(host_.next_timer(), device_.next_timer());
      now = next == Clock::time_point::max() ? now + tick : std::max(now + tick, next);
    }
    if (host_.next_timer() <= now) host_.on_timer(now);
    if (device_.next_timer() <= now) device_.on_timer(now);
    return moved;
  }

 private:
  bool carry(proxy::LinkEndpoint& from, proxy::LinkEndpoint& to, const LineFaults& faults,
             std::uint64_t& carried) {
    const std::string bytes(from.output(now));
    if (bytes.empty()) return false;
    from.wrote(bytes.size(), now);
    if (faults.mute) return true;
    std::string arrived;
    std::bernoulli_distribution corrupt(faults.corrupt);
    std::bernoulli_distribution drop(faults.drop);
    std::uniform_int_distribution<int> any_byte(0, 255);
    for (const char byte : bytes) {
      if (faults.drop > 0 && drop(random_)) continue;
      arrived.push_back(
          faults.corrupt > 0 && corrupt(random_) ? static_cast<char>(any_byte(random_)) : byte);
    }
    to.receive(arrived, now);
    carried += arrived.size();
    if (faults.duplicate) to.receive(arrived, now);
    return true;
  }

  proxy::LinkEndpoint& host_;
  proxy::LinkEndpoint& device_;
  std::mt19937 random_;
};

}  // namespace usock::test
