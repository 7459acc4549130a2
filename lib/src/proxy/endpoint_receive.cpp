// The receiving half of the link endpoint: in-order delivery, duplicates,
// gaps and junk (NAK), frames kept after a gap, acknowledgements and the
// credit granted to the peer.

#include <algorithm>
#include <cstdint>
#include <variant>

#include "endpoint_limits.hpp"
#include "usock/proxy/endpoint.hpp"
#include "usock/proxy/serial_order.hpp"
#include "usock/proxy/wire.hpp"

namespace usock::proxy {
std::uint16_t LinkEndpoint::granted_credit() const noexcept {
  const auto rx_pos =
      static_cast<std::uint16_t>(anchor_woff_ + (stats_.bytes_read - anchor_stream_));
  return static_cast<std::uint16_t>(rx_pos + config_.rx_win);
}

void LinkEndpoint::handle_frame(const FrameReceiver::Event& event, std::uint64_t after_delimiter,
                                Clock::time_point now) {
  const Header& header = event.frame.header;
  ++stats_.frames_received;
  // Every valid frame tells where the peer's numbering stands (PROTOCOL.md 6.1).
  anchor_woff_ = static_cast<std::uint16_t>(header.woff + event.size);
  anchor_stream_ = after_delimiter;
  const Side peer = config_.side == Side::host ? Side::device : Side::host;
  if (!is_known(header.type) || !may_send(peer, header.type)) {
    push_event(Event{Event::Kind::protocol_error,
                     header,
                     {},
                     "unexpected " + frame_type_name(header.type) + " frame",
                     0});
    return;
  }
  last_heard_ = now;
  if (header.type == FrameType::hello || header.type == FrameType::hello_ack) {
    // A handshake starts a new numbering of the peer's credit.
    peer_credit_ = header.credit;
  } else if (in_session_ && header.type != FrameType::announce &&
             is_after(header.credit, peer_credit_)) {
    peer_credit_ = header.credit;
  }
  switch (header.type) {
    case FrameType::hello:
    case FrameType::hello_ack:
    case FrameType::announce:
    case FrameType::reset:
      push_event(Event{Event::Kind::message, header, std::string(event.frame.payload), {}, 0});
      return;
    case FrameType::ack:
      if (in_session_) handle_ack_field(header.ack, now);
      if (header.flags & frame_flag::poll) final_now_ = true;
      if (header.flags & frame_flag::final) poll_outstanding_ = false;
      return;
    case FrameType::nak:
      if (in_session_) handle_nak(event.frame, now);
      return;
    default:
      break;
  }
  if (!in_session_) {
    push_event(Event{Event::Kind::out_of_session, header, {}, {}, 0});
    return;
  }
  handle_ack_field(header.ack, now);
  handle_sequenced(event.frame, now);
}

void LinkEndpoint::handle_sequenced(const Frame& frame, Clock::time_point now) {
  const std::uint8_t seq = frame.header.seq;
  if (seq == expected_) {
    deliver(frame, now);
    // The frames kept after the gap this one filled follow it in order.
    for (;;) {
      auto& slot = held_slot(expected_);
      if (!slot || slot->header.seq != expected_) break;
      const HeldFrame next = std::move(*slot);
      slot.reset();
      deliver(Frame{next.header, next.payload}, now);
    }
    // A gap further on: the sender learns of it now, not from its timer.
    if (holding()) request_nak(NakReason::gap);
    return;
  }
  const auto behind = static_cast<std::uint8_t>(expected_ - seq);
  if (behind >= 1 && behind <= 128) {
    // A duplicate: the sender must learn where we are.
    ack_now_ = true;
    return;
  }
  hold(frame);
  request_nak(NakReason::gap);
}

void LinkEndpoint::deliver(const Frame& frame, Clock::time_point now) {
  ++expected_;
  nak_sent_for_expected_ = false;
  nak_pending_ = false;
  try {
    if (const auto whole = reassembler_.add(frame)) {
      push_event(Event{Event::Kind::message, whole->header, std::string(whole->payload), {}, 0});
    }
  } catch (const MalformedMessage& error) {
    push_event(Event{Event::Kind::protocol_error, frame.header, {}, error.what(), 0});
  }
  // Delaying an ack saves line time on a UART; on an unpaced line (a pty,
  // TCP) bytes cost nothing and a sender held by its window would wait.
  if (++deliveries_unacked_ >= 2 || !paced()) {
    ack_now_ = true;
  } else if (delack_due_ == Clock::time_point::max()) {
    delack_due_ = now + limits::delack;
  }
}

void LinkEndpoint::hold(const Frame& frame) {
  const auto ahead = static_cast<std::uint8_t>(frame.header.seq - expected_);
  if (!config_.keep_out_of_order || ahead >= held_.size()) return;
  auto& slot = held_slot(frame.header.seq);
  if (!slot) slot = HeldFrame{frame.header, std::string(frame.payload)};
}

std::optional<LinkEndpoint::HeldFrame>& LinkEndpoint::held_slot(std::uint8_t seq) noexcept {
  return held_[seq % held_.size()];
}

bool LinkEndpoint::holding() const noexcept {
  return held_bitmap() != 0;
}

std::uint64_t LinkEndpoint::held_bitmap() const noexcept {
  // Bit i: frame expected + 1 + i, i.e. ack + 2 + i (PROTOCOL.md 5.3).
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i + 1 < held_.size(); ++i) {
    const auto seq = static_cast<std::uint8_t>(expected_ + 1 + i);
    const auto& slot = held_[seq % held_.size()];
    if (slot && slot->header.seq == seq) bits |= std::uint64_t{1} << i;
  }
  return bits;
}

void LinkEndpoint::handle_ack_field(std::uint8_t ack, Clock::time_point now) {
  if (in_flight_.empty()) return;
  const std::uint8_t before_base = static_cast<std::uint8_t>(in_flight_.front().header.seq - 1);
  const std::size_t released = static_cast<std::uint8_t>(ack - before_base);
  if (released == 0 || released > in_flight_.size()) return;
  const Outgoing& newest = in_flight_[released - 1];
  if (!newest.resent) {
    sample_rtt(now - newest.sent_at);
  } else if (have_rtt_) {
    // Progress ends the backoff even without a sample.
    rto_ = std::clamp(srtt_ + 4 * rttvar_, rto_min_, rto_max_);
  }
  for (std::size_t i = 0; i < released; ++i) {
    backlog_bytes_ -= in_flight_.front().payload.size();
    in_flight_.pop_front();
  }
  resend_from_ = resend_from_ > released ? resend_from_ - released : 0;
  rtx_due_ = in_flight_.empty() ? Clock::time_point::max() : now + rto_;
  on_clean_acks(released);
}

void LinkEndpoint::handle_nak(const Frame& nak, Clock::time_point now) {
  ++stats_.naks_received;
  handle_ack_field(nak.header.ack, now);
  std::optional<std::uint64_t> held;
  try {
    held = std::get<Nak>(decode_message(nak.header, nak.payload)).held;
  } catch (const MalformedMessage&) {
    // Only the header counts then: a NAK without a bitmap.
  }
  if (held) peer_reads_held_ = true;
  if (in_flight_.empty()) return;
  if (held) {
    resend_lost(nak.header, *held);
    return;
  }
  if (repeats_go_back(nak.header, now)) return;
  on_loss();
  go_back(now);
}

void LinkEndpoint::resend_lost(const Header& nak, std::uint64_t held) {
  const std::uint8_t base = in_flight_.front().header.seq;
  for (unsigned bit = 0; bit < 64; ++bit) {
    if (!(held >> bit & 1)) continue;
    const auto index = static_cast<std::uint8_t>(nak.ack + 2 + bit - base);
    if (index < in_flight_.size()) in_flight_[index].held = true;
  }
  // A peer that keeps frames grants its read position plus its window, so
  // the NAK's credit says how far it had read: a frame it read all of, and
  // neither took in order nor kept, was lost. A frame still on its way is
  // not, however many NAKs come back meanwhile.
  const auto read = static_cast<std::uint16_t>(nak.credit - peer_.rx_win);
  bool lost_any = false;
  for (std::size_t i = 0; i < in_flight_.size(); ++i) {
    Outgoing& frame = in_flight_[i];
    if (frame.held || frame.lost || is_after(frame.wire_end, read)) continue;
    frame.lost = true;
    lost_any = true;
    resend_from_ = std::min(resend_from_, i);
  }
  if (lost_any) on_loss();
}

bool LinkEndpoint::repeats_go_back(const Header& nak, Clock::time_point now) const noexcept {
  if (!went_back_ || nak.ack != go_back_ack_) return false;
  // A peer grants its read position plus at most its window, so the NAK's
  // credit says how far, at least, it had read when it sent it. Past the
  // go-back's first byte it is NAKing the retransmission itself: a new loss
  // to answer at once. The SRTT/2 test alone took such a NAK for a repeat
  // whenever it came back faster than half a (stale) SRTT, as it does on a
  // pty, and left every lost retransmission to the backed-off timer.
  const auto read_at_least = static_cast<std::uint16_t>(nak.credit - peer_.rx_win);
  if (is_after(read_at_least, go_back_woff_)) return false;
  // Still a repeat if it comes within SRTT/2: a peer short of buffer grants
  // less than its window, so its credit may not show what it has read.
  return now - go_back_started_ < srtt_ / 2;
}

void LinkEndpoint::handle_junk(const FrameReceiver::Event& event) {
  if (event.kind == FrameReceiver::Event::Kind::console) {
    push_event(Event{Event::Kind::console, {}, {}, std::string(event.bytes), 0});
    // The host lets text be: boards print it. A device NAKs everything.
    if (config_.side == Side::device) request_nak(NakReason::damaged);
    return;
  }
  ++stats_.frames_damaged;
  push_event(Event{Event::Kind::damaged,
                   {},
                   {},
                   std::string(event.bytes.substr(0, limits::damage_preview)),
                   event.size});
  const bool too_long = event.damage == FrameReceiver::Damage::too_long;
  request_nak(too_long ? NakReason::too_long : NakReason::damaged);
}

void LinkEndpoint::request_nak(NakReason reason) {
  if (!in_session_) return;
  nak_pending_ = true;
  nak_reason_ = reason;
}

Clock::duration LinkEndpoint::nak_interval() const noexcept {
  // The time a frame takes on the line, 1 ms at least (PROTOCOL.md 5.3).
  return std::max<Clock::duration>(
      limits::min_nak_interval, config_.byte_time * static_cast<long>(max_wire_size(config_.mtu)));
}

Clock::time_point LinkEndpoint::nak_allowed_at() const noexcept {
  if (!nak_sent_for_expected_) return Clock::time_point::min();
  // The sender ignores repeats of a go-back under way, while a NAK held back
  // longer leaves a retransmission lost again to the timer, whose backoff
  // under noise reaches seconds. It waits rather than being dropped, so the
  // last loss is always reported.
  return last_nak_ + nak_interval();
}

Clock::time_point LinkEndpoint::renak_due() const noexcept {
  // A lost NAK (a quarter of them at 1 % noise) would leave the gap to the
  // sender's timer, which resends every frame not known to be kept. A peer
  // that resends only what it read and lost is told again at once: a repeat
  // costs it nothing.
  if (!peer_reads_held_ || nak_pending_ || !holding()) return Clock::time_point::max();
  return last_nak_ + nak_interval();
}

void LinkEndpoint::push_event(Event event) {
  events_.push_back(std::move(event));
}

}  // namespace usock::proxy
