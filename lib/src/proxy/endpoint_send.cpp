// The sending half of the link endpoint: queues, the window,
// retransmissions, link credit and the encoding of every frame.

#include <algorithm>
#include <utility>

#include "endpoint_limits.hpp"
#include "usock/proxy/endpoint.hpp"
#include "usock/proxy/serial_order.hpp"

namespace usock::proxy {

std::size_t LinkEndpoint::max_payload() const noexcept {
  const std::size_t mtu = in_session_ ? peer_.mtu : kHandshakeMtu;
  return mtu - kMinBodySize;
}

std::uint16_t LinkEndpoint::tx_end() const noexcept {
  return static_cast<std::uint16_t>(written_ + (out_.size() - out_pos_));
}

std::optional<std::uint16_t> LinkEndpoint::blocking_cap() const noexcept {
  // Calls run in order on the peer: the first unanswered one stops it.
  if (blocking_.empty() || !blocking_.front().end) return std::nullopt;
  return static_cast<std::uint16_t>(*blocking_.front().end + peer_.rx_safe);
}

void LinkEndpoint::note_blocking_end(std::uint16_t req) noexcept {
  for (auto& call : blocking_) {
    if (call.req == req) call.end = tx_end();
  }
}

bool LinkEndpoint::credit_covers(std::uint16_t offset) const noexcept {
  const auto cap = blocking_cap();
  return is_after(peer_credit_, offset) && (!cap || is_after(*cap, offset));
}

bool LinkEndpoint::credit_covers_frame(std::size_t payload_size) noexcept {
  // A paid frame is queued only when the credit covers all of it, so no
  // byte ever waits in the buffer for credit and an ACK or NAK can always
  // follow the frames out: held behind them, it could not bring the peer
  // the credit both sides would be waiting for. A frame larger than the
  // peer's whole window (a misconfigured peer) starts on any credit.
  const std::size_t window = in_session_ ? peer_.rx_win : limits::rx_safe_default;
  const std::size_t wire = max_wire_size(kMinBodySize + payload_size) + 1;
  const bool covered =
      credit_covers(static_cast<std::uint16_t>(tx_end() + std::min(wire, window) - 1));
  if (!covered) blocked_for_credit_ = true;
  return covered;
}

bool LinkEndpoint::exempt_allowed(Clock::time_point now) const noexcept {
  // Without credit, at most one exempt frame per RTO (PROTOCOL.md 6.1).
  return credit_covers(tx_end()) || now - last_exempt_ >= rto_;
}

bool LinkEndpoint::coalesce_data(const Header& header, std::string_view payload) {
  // Consecutive DATA for one socket leave as one message. A sender fed in
  // small steps (credit returned a frame at a time on a slow line) would
  // otherwise keep sending frames as small as its first ones for good: the
  // silly window syndrome of RFC 813.
  if (unsent_.empty()) return false;
  Outgoing& back = unsent_.back();
  const auto without_wnd = [](std::uint8_t flags) {
    return static_cast<std::uint8_t>(flags & ~frame_flag::wnd);
  };
  if (back.header.type != FrameType::data || back.header.sock != header.sock ||
      back.header.req != header.req || without_wnd(back.header.flags) != without_wnd(header.flags))
    return false;
  std::string_view bytes = payload;
  if (header.flags & frame_flag::wnd) {
    // The newer limit replaces the older one (limits only grow, 6.2); it can
    // ride only while the queued message still has its first piece.
    if (back.taken != 0) return false;
    const std::string_view limit = bytes.substr(0, kWindowPrefix);
    if (back.header.flags & frame_flag::wnd) {
      back.payload.replace(0, kWindowPrefix, limit);
    } else {
      back.payload.insert(0, limit);
      back.header.flags |= frame_flag::wnd;
      backlog_bytes_ += kWindowPrefix;
    }
    bytes.remove_prefix(kWindowPrefix);
  }
  back.payload += bytes;
  backlog_bytes_ += bytes.size();
  return true;
}

void LinkEndpoint::queue_sequenced(Header header, std::string payload, bool blocks_peer) {
  if (header.type == FrameType::data && coalesce_data(header, payload)) return;
  backlog_bytes_ += payload.size();
  // DATA is cut when numbered, at the frame size of that moment; other
  // messages are fragments from the start (PROTOCOL.md 8.1).
  const std::size_t fragment = chunk_limit_;
  if (header.type == FrameType::data || payload.size() <= fragment) {
    unsent_.push_back(Outgoing{header, std::move(payload)});
    unsent_.back().blocks_peer = blocks_peer;
    return;
  }
  for (std::size_t at = 0; at < payload.size(); at += fragment) {
    Header piece = header;
    const bool last = payload.size() - at <= fragment;
    if (!last) piece.flags |= frame_flag::more;
    if (at > 0) piece.flags &= static_cast<std::uint8_t>(~frame_flag::wnd);
    unsent_.push_back(Outgoing{piece, payload.substr(at, fragment)});
    unsent_.back().blocks_peer = blocks_peer;
  }
}

LinkEndpoint::Outgoing LinkEndpoint::number_next() {
  Outgoing frame;
  Outgoing& front = unsent_.front();
  if (front.header.type == FrameType::data) {
    // Only the first piece carries the WND prefix; chunk_limit_ counts it.
    const std::size_t size = std::min(chunk_limit_, front.payload.size() - front.taken);
    frame.header = front.header;
    frame.payload = front.payload.substr(front.taken, size);
    front.taken += size;
    front.header.flags &= static_cast<std::uint8_t>(~frame_flag::wnd);
    if (front.taken == front.payload.size()) unsent_.pop_front();
  } else {
    frame = std::move(front);
    unsent_.pop_front();
  }
  frame.header.seq = next_seq_++;
  return frame;
}

void LinkEndpoint::encode(Header header, std::string_view payload, bool exempt,
                          Clock::time_point now) {
  const bool idle = out_pos_ == out_.size() && now - last_write_ >= limits::gap;
  if (gap_zero_ || idle) out_.push_back('\0');
  gap_zero_ = false;
  if (!is_sequenced(header.type)) header.seq = next_seq_;
  header.ack = static_cast<std::uint8_t>(expected_ - 1);
  header.credit = granted_credit();
  header.woff = tx_end();
  encode_frame(header, payload, out_);
  if (exempt && !credit_covers(tx_end())) last_exempt_ = now;
  credit_sent_ = header.credit;
  deliveries_unacked_ = 0;
  delack_due_ = Clock::time_point::max();
  ack_now_ = false;
}

bool LinkEndpoint::fill_control(Clock::time_point now) {
  if (nak_pending_ && now >= nak_allowed_at() && exempt_allowed(now)) {
    Header header;
    header.type = FrameType::nak;
    const Nak nak{nak_reason_,
                  config_.keep_out_of_order ? std::optional(held_bitmap()) : std::nullopt};
    std::string payload;
    encode_payload(nak, payload);
    encode(header, payload, true, now);
    nak_pending_ = false;
    nak_sent_for_expected_ = true;
    last_nak_ = now;
    ++stats_.naks_sent;
    return true;
  }
  if (control_.empty()) return false;
  const Outgoing& frame = control_.front();
  const bool exempt =
      frame.header.type == FrameType::reset || frame.header.type == FrameType::announce;
  if (frame.header.type == FrameType::hello && !in_session_) {
    // Each HELLO may use the budget of a board that heard nothing yet: a
    // retry follows a silence long enough for it to have drained its buffer.
    peer_credit_ = static_cast<std::uint16_t>(tx_end() + limits::rx_safe_default);
  }
  if (exempt ? !exempt_allowed(now) : !credit_covers_frame(frame.payload.size())) return false;
  encode(frame.header, frame.payload, exempt, now);
  control_.pop_front();
  return true;
}

bool LinkEndpoint::fill_sequenced(Clock::time_point now) {
  if (!in_session_) return false;
  while (resend_from_ < in_flight_.size() && !in_flight_[resend_from_].lost)
    ++resend_from_;
  if (resend_from_ < in_flight_.size()) {
    if (!credit_covers_frame(in_flight_[resend_from_].payload.size())) return false;
    // The first retransmission of a go-back: a NAK from a peer that has read
    // past here answers the retransmission, not what went before it.
    if (resend_from_ == 0) go_back_woff_ = tx_end();
    Outgoing& frame = in_flight_[resend_from_++];
    frame.resent = true;
    frame.lost = false;
    Header header = frame.header;
    header.flags |= frame_flag::retx;
    gap_zero_ = true;  // flushes whatever half frame the peer holds (PROTOCOL.md 3.1)
    encode(header, frame.payload, false, now);
    frame.wire_end = tx_end();
    if (frame.blocks_peer) note_blocking_end(frame.header.req);
    ++stats_.frames_resent;
  } else {
    const std::size_t window = std::min<std::size_t>(flight_limit_, config_.txw);
    if (unsent_.empty() || in_flight_.size() >= window) return false;
    if (!credit_covers_frame(std::min(unsent_.front().payload.size(), chunk_limit_))) return false;
    Outgoing frame = number_next();
    frame.sent_at = now;
    encode(frame.header, frame.payload, false, now);
    frame.wire_end = tx_end();
    if (frame.blocks_peer) note_blocking_end(frame.header.req);
    ++stats_.frames_sent;
    stats_.payload_sent += frame.payload.size();
    in_flight_.push_back(std::move(frame));
    resend_from_ = in_flight_.size();
  }
  if (rtx_due_ == Clock::time_point::max()) rtx_due_ = now + rto_;
  return true;
}

void LinkEndpoint::fill_output(Clock::time_point now) {
  blocked_for_credit_ = false;
  while (out_.size() - out_pos_ < limits::out_batch) {
    if (!fill_control(now) && !fill_sequenced(now)) break;
  }
  const bool ack_due = in_session_ && ack_now_;
  if ((ack_due || poll_now_ || final_now_) && exempt_allowed(now)) {
    Header header;
    header.type = FrameType::ack;
    if (poll_now_) header.flags |= frame_flag::poll;
    if (final_now_) header.flags |= frame_flag::final;
    encode(header, {}, true, now);
    poll_now_ = false;
    final_now_ = false;
  }
}

}  // namespace usock::proxy
