// The receiving half of the link endpoint: in-order delivery, duplicates,
// gaps and junk (NAK), acknowledgements and the credit granted to the peer.

#include <algorithm>
#include <cstdint>

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
      if (in_session_) handle_nak(header, now);
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
    ++expected_;
    nak_sent_for_expected_ = false;
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
    return;
  }
  const auto behind = static_cast<std::uint8_t>(expected_ - seq);
  if (behind >= 1 && behind <= 128) {
    // A duplicate: the sender must learn where we are.
    ack_now_ = true;
    return;
  }
  request_nak(NakReason::gap, now);
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

void LinkEndpoint::handle_nak(const Header& nak, Clock::time_point now) {
  ++stats_.naks_received;
  handle_ack_field(nak.ack, now);
  if (in_flight_.empty() || repeats_go_back(nak, now)) return;
  on_loss();
  go_back(now);
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

void LinkEndpoint::handle_junk(const FrameReceiver::Event& event, Clock::time_point now) {
  if (event.kind == FrameReceiver::Event::Kind::console) {
    push_event(Event{Event::Kind::console, {}, {}, std::string(event.bytes), 0});
    // The host lets text be: boards print it. A device NAKs everything.
    if (config_.side == Side::device) request_nak(NakReason::damaged, now);
    return;
  }
  ++stats_.frames_damaged;
  push_event(Event{Event::Kind::damaged,
                   {},
                   {},
                   std::string(event.bytes.substr(0, limits::damage_preview)),
                   event.size});
  const bool too_long = event.damage == FrameReceiver::Damage::too_long;
  request_nak(too_long ? NakReason::too_long : NakReason::damaged, now);
}

void LinkEndpoint::request_nak(NakReason reason, Clock::time_point now) {
  if (!in_session_) return;
  // Another NAK for the same frame only after the time a frame takes on the
  // line (1 ms at least): the sender ignores repeats of a go-back under way,
  // while a NAK held back longer leaves a retransmission lost again to the
  // timer, whose backoff under noise reaches seconds (PROTOCOL.md 5.3).
  const Clock::duration frame_time = std::max<Clock::duration>(
      limits::min_nak_interval, config_.byte_time * static_cast<long>(max_wire_size(config_.mtu)));
  if (nak_sent_for_expected_ && now - last_nak_ < frame_time) return;
  nak_pending_ = true;
  nak_reason_ = reason;
}

void LinkEndpoint::push_event(Event event) {
  events_.push_back(std::move(event));
}

}  // namespace usock::proxy
