// Retransmission timing (RFC 6298 with the baud-rate floor of PROTOCOL.md
// 5.4) and the frame size and window that adapt to a noisy line.

#include <algorithm>

#include "endpoint_limits.hpp"
#include "usock/proxy/endpoint.hpp"

namespace usock::proxy {

std::string LinkEndpoint::describe() const {
  const auto ms = [](Clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  const auto room = static_cast<std::int16_t>(peer_credit_ - tx_end());
  return "in flight " + std::to_string(in_flight_.size()) + " (resend from " +
         std::to_string(resend_from_) + "), unsent " + std::to_string(unsent_.size()) +
         ", credit room " + std::to_string(room) + ", chunk " + std::to_string(chunk_limit_) +
         ", flight limit " + std::to_string(flight_limit_) + ", rto " + ms(rto_) + " ms, sent " +
         std::to_string(stats_.frames_sent) + ", resent " + std::to_string(stats_.frames_resent) +
         ", received " + std::to_string(stats_.frames_received) + ", damaged " +
         std::to_string(stats_.frames_damaged) + ", naks " + std::to_string(stats_.naks_sent) +
         "/" + std::to_string(stats_.naks_received) + ", timeouts " +
         std::to_string(stats_.timeouts) + ", expected " + std::to_string(expected_);
}

Clock::duration byte_time_at(unsigned baud) {
  if (baud == 0) return Clock::duration::zero();
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(10.0 / baud));
}

void LinkEndpoint::reset_rto() {
  const Clock::duration byte_time =
      config_.byte_time > Clock::duration::zero() ? config_.byte_time : peer_.byte_time;
  // A frame can wait behind all the credit the peer grants, and its ack
  // behind one maximal frame the other way.
  const std::size_t frame = max_wire_size(std::max(config_.mtu, peer_.mtu));
  const Clock::duration queued = byte_time * static_cast<long>(peer_.rx_win + 2 * frame);
  rto_min_ = std::max<Clock::duration>(limits::rto_floor, queued + limits::rto_floor);
  rto_max_ = std::max<Clock::duration>(limits::rto_max_floor, 2 * rto_min_);
  rto_ = rto_min_ + limits::rto_init_extra;
  have_rtt_ = false;
}

void LinkEndpoint::sample_rtt(Clock::duration sample) {
  if (!have_rtt_) {
    srtt_ = sample;
    rttvar_ = sample / 2;
    have_rtt_ = true;
  } else {
    const Clock::duration error = srtt_ > sample ? srtt_ - sample : sample - srtt_;
    rttvar_ = (3 * rttvar_ + error) / 4;
    srtt_ = (7 * srtt_ + sample) / 8;
  }
  rto_ = std::clamp(srtt_ + 4 * rttvar_, rto_min_, rto_max_);
}

void LinkEndpoint::go_back(Clock::time_point now) {
  for (Outgoing& frame : in_flight_)
    frame.lost = !frame.held;
  resend_from_ = 0;
  went_back_ = true;
  go_back_started_ = now;
  go_back_ack_ = static_cast<std::uint8_t>(in_flight_.front().header.seq - 1);
}

bool LinkEndpoint::paced() const noexcept {
  return config_.byte_time > Clock::duration::zero() || peer_.byte_time > Clock::duration::zero();
}

void LinkEndpoint::on_loss() {
  chunk_limit_ = std::max(limits::min_chunk, chunk_limit_ / 2);
  // Fewer frames in flight waste less of a slow line on each go-back; an
  // unpaced line has time to spare and would only wait longer.
  if (paced()) flight_limit_ = std::max(limits::min_flight, flight_limit_ / 2);
  clean_streak_ = 0;
}

void LinkEndpoint::on_clean_acks(std::size_t frames) {
  clean_streak_ += frames;
  while (clean_streak_ >= limits::clean_frames_to_grow) {
    clean_streak_ -= limits::clean_frames_to_grow;
    chunk_limit_ = std::min(2 * chunk_limit_, max_payload());
    flight_limit_ = std::min<std::size_t>(flight_limit_ + 1, config_.txw);
  }
}

}  // namespace usock::proxy
