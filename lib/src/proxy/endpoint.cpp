#include "usock/proxy/endpoint.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "endpoint_limits.hpp"

namespace usock::proxy {

LinkEndpoint::LinkEndpoint(EndpointConfig config, Clock::time_point now)
    : config_(config),
      receiver_(config.mtu),
      reassembler_(config.max_message),
      peer_credit_(limits::rx_safe_default),
      last_write_(now),
      last_exempt_(now - Clock::duration(std::chrono::hours(1))),
      held_(kMaxTxWindow),
      last_nak_(now),
      last_heard_(now),
      go_back_started_(now) {
  reset_rto();
  chunk_limit_ = std::min(limits::initial_chunk, max_payload());
  flight_limit_ = config_.txw;
}

void LinkEndpoint::start_session(const PeerLink& peer, Clock::time_point now) {
  end_session();
  peer_ = peer;
  in_session_ = true;
  gap_zero_ = true;
  last_heard_ = now;
  reset_rto();
  chunk_limit_ = std::min(limits::initial_chunk, max_payload());
  flight_limit_ = config_.txw;
  clean_streak_ = 0;
}

void LinkEndpoint::end_session() {
  in_session_ = false;
  unsent_.clear();
  in_flight_.clear();
  resend_from_ = 0;
  backlog_bytes_ = 0;
  blocking_.clear();
  next_seq_ = 0;
  expected_ = 0;
  reassembler_.reset();
  deliveries_unacked_ = 0;
  ack_now_ = false;
  delack_due_ = Clock::time_point::max();
  nak_pending_ = false;
  nak_sent_for_expected_ = false;
  for (auto& slot : held_)
    slot.reset();
  peer_reads_held_ = false;
  rtx_due_ = Clock::time_point::max();
  persist_due_ = Clock::time_point::max();
  poll_now_ = false;
  poll_outstanding_ = false;
  went_back_ = false;
}

void LinkEndpoint::send(const Message& message, std::uint16_t req, std::uint8_t sock) {
  queue(message, req, sock, false);
}

void LinkEndpoint::send_blocking(const Message& message, std::uint16_t req, std::uint8_t sock) {
  queue(message, req, sock, true);
  if (in_session_) blocking_.push_back(BlockingCall{req, std::nullopt});
}

void LinkEndpoint::answered(std::uint16_t req) {
  std::erase_if(blocking_, [req](const BlockingCall& call) { return call.req == req; });
}

void LinkEndpoint::queue(const Message& message, std::uint16_t req, std::uint8_t sock,
                         bool blocks_peer) {
  Header header;
  header.type = message_type(message);
  header.req = req;
  header.sock = sock;
  std::string payload;
  header.flags = encode_payload(message, payload);
  if (!is_sequenced(header.type)) {
    control_.push_back(Outgoing{header, std::move(payload)});
    return;
  }
  if (!in_session_) return;
  if (header.type != FrameType::data && payload.size() > peer_.max_message) {
    throw std::length_error(frame_type_name(header.type) + " longer than the peer reassembles");
  }
  queue_sequenced(header, std::move(payload), blocks_peer);
}

void LinkEndpoint::send_poll() {
  poll_now_ = true;
  poll_outstanding_ = true;
}

std::size_t LinkEndpoint::data_chunk() const noexcept {
  return chunk_limit_ - kWindowPrefix;
}

void LinkEndpoint::receive(std::string_view bytes, Clock::time_point now) {
  const std::uint64_t start = stats_.bytes_read;
  std::string_view in = bytes;
  for (;;) {
    const FrameReceiver::Event event = receiver_.next(in);
    if (event.kind == FrameReceiver::Event::Kind::none) break;
    stats_.bytes_read = start + (bytes.size() - in.size());
    if (event.kind == FrameReceiver::Event::Kind::frame) {
      handle_frame(event, stats_.bytes_read, now);
    } else {
      handle_junk(event);
    }
  }
  stats_.bytes_read = start + bytes.size();
  if (bytes.empty()) return;
  console_flush_due_ = now + limits::console_flush;
  stall_backoff_ = std::max<Clock::duration>(limits::stall_floor, 32 * config_.byte_time);
  stall_due_ = receiver_.in_candidate() ? now + stall_backoff_ : Clock::time_point::max();
  // Credit must be re-advertised once it has grown by a quarter window.
  if (in_session_ &&
      static_cast<std::uint16_t>(granted_credit() - credit_sent_) >= config_.rx_win / 4) {
    ack_now_ = true;
  }
}

bool LinkEndpoint::next_event(Event& event) {
  if (events_.empty()) return false;
  event = std::move(events_.front());
  events_.pop_front();
  return true;
}

std::string_view LinkEndpoint::output(Clock::time_point now) {
  fill_output(now);
  if (!blocked_for_credit_) {
    persist_due_ = Clock::time_point::max();
  } else if (persist_due_ == Clock::time_point::max()) {
    // Stuck for credit: probe if no advertisement comes (the persist timer).
    persist_due_ = now + rto_;
  }
  return std::string_view(out_).substr(out_pos_);
}

void LinkEndpoint::wrote(std::size_t count, Clock::time_point now) {
  if (count == 0) return;
  out_pos_ += count;
  written_ += count;
  stats_.bytes_written += count;
  last_write_ = now;
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ >= limits::out_batch) {
    out_.erase(0, out_pos_);
    out_pos_ = 0;
  }
}

bool LinkEndpoint::awaiting_peer() const noexcept {
  return !in_flight_.empty() || poll_outstanding_;
}

Clock::time_point LinkEndpoint::next_timer() const noexcept {
  Clock::time_point due =
      std::min({rtx_due_, delack_due_, console_flush_due_, stall_due_, persist_due_});
  if (nak_pending_) due = std::min(due, nak_allowed_at());
  due = std::min(due, renak_due());
  if (heartbeat_due()) due = std::min(due, last_write_ + heartbeat_);
  // An ACK or NAK held back for want of credit may go one RTO after the last.
  const bool exempt_waiting = (in_session_ && ack_now_) || nak_pending_ || poll_now_ || final_now_;
  if (exempt_waiting && !credit_covers(tx_end())) {
    due = std::min(due, last_exempt_ + rto_);
  }
  return due;
}

bool LinkEndpoint::heartbeat_due() const noexcept {
  return in_session_ && heartbeat_ > Clock::duration::zero() && !poll_now_;
}

void LinkEndpoint::on_timer(Clock::time_point now) {
  if (now >= rtx_due_) {
    if (in_flight_.empty()) {
      rtx_due_ = Clock::time_point::max();
    } else {
      ++stats_.timeouts;
      on_loss();
      go_back(now);
      rto_ = std::min(2 * rto_, rto_max_);
      rtx_due_ = now + rto_;
    }
  }
  if (now >= renak_due()) request_nak(NakReason::gap);
  if (now >= delack_due_) {
    ack_now_ = true;
    delack_due_ = Clock::time_point::max();
  }
  if (now >= console_flush_due_) {
    console_flush_due_ = Clock::time_point::max();
    for (FrameReceiver::Event line = receiver_.flush();
         line.kind != FrameReceiver::Event::Kind::none; line = receiver_.flush()) {
      handle_junk(line);
    }
  }
  if (now >= stall_due_) {
    // The peer may be stuck in the middle of a frame for want of credit.
    ack_now_ = true;
    stall_backoff_ = std::min<Clock::duration>(2 * stall_backoff_, limits::stall_ceiling);
    stall_due_ = now + stall_backoff_;
  }
  if (now >= persist_due_) {
    send_poll();
    persist_due_ = now + 2 * rto_;
  }
  if (heartbeat_due() && now >= last_write_ + heartbeat_) send_poll();
}

}  // namespace usock::proxy
