#pragma once
// The timers and limits of PROTOCOL.md 5.7 that the link endpoint keeps.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace usock::proxy::limits {

using namespace std::chrono_literals;

// Credit a sender allows itself before the handshake (PROTOCOL.md 6.1).
inline constexpr std::uint16_t rx_safe_default = 224;
// Idle this long, a sender writes an extra 0x00 before its next frame (3.1).
inline constexpr auto gap = 10ms;
// NAKs for one missing frame come at most once per round trip, and never
// closer than this (5.3).
inline constexpr auto min_nak_interval = 1ms;
// Delayed acknowledgement (5.3).
inline constexpr auto delack = 5ms;
// A partial console line is reported after this much silence (3.4).
inline constexpr auto console_flush = 100ms;
// Receiver stall timer: floor, and where its backoff stops (6.1). The floor
// is above the gaps of a working line: uboard's pacing hands bytes over every
// 5 ms, a USB serial adapter every 16 ms (FTDI's latency timer).
inline constexpr auto stall_floor = 20ms;
inline constexpr auto stall_ceiling = 1s;
// RTO bounds (5.4).
inline constexpr auto rto_floor = 20ms;
inline constexpr auto rto_init_extra = 200ms;
inline constexpr auto rto_max_floor = 2s;
// Adaptation under noise (5.4): the smallest frame payload and window, the
// clean frames that earn growth, and the first frames' payload, small enough
// to pass a noisy line.
inline constexpr std::size_t min_chunk = 64;
inline constexpr std::size_t min_flight = 2;
inline constexpr std::size_t clean_frames_to_grow = 32;
inline constexpr std::size_t initial_chunk = 64;
// Encoded bytes kept ahead of the line: a few frames, so acks stay fresh.
inline constexpr std::size_t out_batch = 8192;
// The first bytes of a damaged candidate kept for the log.
inline constexpr std::size_t damage_preview = 16;

}  // namespace usock::proxy::limits
