#pragma once
// One side of the serial-proxy link layer (PROTOCOL.md 3, 5, 6): it frames
// messages, numbers the sequenced ones, acknowledges, NAKs, retransmits
// (go-back-N, or selective repeat with a peer that keeps frames after a
// gap), keeps link credit both ways, fragments and reassembles. It
// does no I/O and reads no clock: its owner feeds it the bytes read from the
// line and the time, and writes the bytes it hands out. The host's link
// thread and uboard drive the same code, and tests drive two of them through
// a lossy line in memory. Not thread-safe: one owner at a time.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "usock/proxy/frame.hpp"
#include "usock/proxy/message.hpp"
#include "usock/proxy/reassembler.hpp"
#include "usock/proxy/receiver.hpp"
#include "usock/wait.hpp"

namespace usock::proxy {

// The time a byte takes on a UART at `baud` (8N1: 10 bits); zero for 0, a
// line with no rate of its own.
Clock::duration byte_time_at(unsigned baud);

// The WND prefix of a DATA or DGRAM payload: a u32 socket credit limit.
inline constexpr std::size_t kWindowPrefix = 4;

// What this side announces of its own link (HELLO, HELLO_ACK).
struct EndpointConfig {
  Side side = Side::host;
  std::uint16_t rx_win = kMaxRxWindow;            // link credit granted to the peer
  std::size_t mtu = kHostMtu;                     // largest decoded body accepted
  std::uint8_t txw = 32;                          // sequenced frames in flight, at most
  std::size_t max_message = kHostMaxMessage;      // largest reassembled message accepted
  Clock::duration byte_time = Clock::duration{};  // 10 / baud; zero on an unpaced line
  // Keep frames that arrive after a gap and report them in NAKs, so the
  // peer resends only what was lost (PROTOCOL.md 5.3). A board short of
  // memory keeps nothing and gets go-back-N.
  bool keep_out_of_order = true;
};

// What the peer announced in the handshake.
struct PeerLink {
  std::uint16_t rx_win = 1024;
  std::size_t mtu = kHandshakeMtu;
  std::size_t max_message = kHostMaxMessage;
  // The line's byte time if the peer knows it (HELLO_ACK's baud), else zero.
  Clock::duration byte_time = Clock::duration{};
  // What the peer absorbs while a blocking call stops its loop (PROTOCOL.md
  // 6.1): an ESP32's 260-byte UART ring less room for two exempt frames.
  std::uint16_t rx_safe = kMaxRxWindow;
};

class LinkEndpoint {
 public:
  struct Event {
    enum class Kind {
      // A whole message from the peer, sequenced and in order, or one of the
      // unsequenced session frames (HELLO, HELLO_ACK, ANNOUNCE, RESET). ACK
      // and NAK never come up: the endpoint consumes them.
      message,
      // A sequenced frame while no session runs: the device answers RESET
      // NO_SESSION, the host ignores it. `header` says which.
      out_of_session,
      // A console line (PROTOCOL.md 3.4) in `text`, without its ending.
      console,
      // Bytes that were neither a frame nor text; `text` holds the first few.
      damaged,
      // A valid frame that breaks the protocol (unknown type, wrong direction,
      // bad fragment); `text` says how. The owner resets the session.
      protocol_error,
    };
    Kind kind = Kind::message;
    Header header;         // message, out_of_session: the first fragment's header, MORE cleared
    std::string payload;   // message: the whole payload, for decode_message
    std::string text;      // console, damaged, protocol_error
    std::size_t size = 0;  // damaged: the bytes discarded
  };

  struct Stats {
    std::uint64_t bytes_written = 0;    // every byte handed out and written
    std::uint64_t bytes_read = 0;       // every byte fed in
    std::uint64_t frames_sent = 0;      // first transmissions of sequenced frames
    std::uint64_t frames_resent = 0;    // retransmissions
    std::uint64_t payload_sent = 0;     // payload bytes of sequenced frames, first transmissions
    std::uint64_t frames_received = 0;  // valid frames
    std::uint64_t frames_damaged = 0;   // junk candidates that were not console text
    std::uint64_t naks_sent = 0;
    std::uint64_t naks_received = 0;
    std::uint64_t timeouts = 0;  // retransmission timer expiries
  };

  LinkEndpoint(EndpointConfig config, Clock::time_point now);

  // Session (PROTOCOL.md 7). A session starts with HELLO_ACK (sent by the
  // device, received by the host): sequence numbers start at 0 both ways and
  // the peer's limits apply. Ending it drops what was not acknowledged and
  // any partial message; unsequenced frames still flow.
  void start_session(const PeerLink& peer, Clock::time_point now);
  void end_session();
  bool in_session() const noexcept { return in_session_; }

  // Queues a message with the header's `req` and `sock`. A sequenced message
  // waits for the window and for credit; DATA longer than data_chunk() is
  // cut into several DATA messages, a longer message of another type travels
  // in fragments (MORE). An unsequenced message (HELLO, HELLO_ACK, ANNOUNCE,
  // RESET) goes out ahead of sequenced traffic. Sequenced messages outside a
  // session are dropped. Throws std::length_error if `message` does not fit
  // the peer's max_message.
  void send(const Message& message, std::uint16_t req = 0, std::uint8_t sock = 0);
  // Queues a call that stops the peer's loop until it answers (DNS without
  // ASYNC_DNS, connect without NONBLOCK_CONNECT): from the end of its frame
  // on, no more than the peer's rx_safe bytes go out until answered(req),
  // since nothing drains the peer's receive ring meanwhile (PROTOCOL.md 6.1).
  void send_blocking(const Message& message, std::uint16_t req, std::uint8_t sock = 0);
  // The peer answered call `req` (its RESULT arrived).
  void answered(std::uint16_t req);
  // An ACK with POLL: the peer answers at once (heartbeat, marker
  // confirmation, PROTOCOL.md 5.5).
  void send_poll();
  // Writes an extra 0x00 before the next frame (a new link or a new session).
  void mark_fresh_start() noexcept { gap_zero_ = true; }

  // Payload bytes one DATA frame carries now: the peer's mtu on a clean line,
  // less after losses (PROTOCOL.md 5.4, adaptation under noise).
  std::size_t data_chunk() const noexcept;
  // Payload bytes queued and not yet acknowledged: owners bound their
  // queueing with it.
  std::size_t backlog_bytes() const noexcept { return backlog_bytes_; }
  // Whether everything sent in this session has been acknowledged.
  bool all_acknowledged() const noexcept { return unsent_.empty() && in_flight_.empty(); }

  // Bytes read from the line. Events they complete queue up for next_event.
  void receive(std::string_view bytes, Clock::time_point now);
  bool next_event(Event& event);

  // The bytes to write now, within the peer's link credit; empty when there
  // is nothing (or no credit). Valid until the next non-const call. The owner
  // calls it after every receive, send and on_timer, and writes what it can.
  std::string_view output(Clock::time_point now);
  // The first `count` bytes of output() were written.
  void wrote(std::size_t count, Clock::time_point now);

  // When on_timer must run next: retransmission, delayed ack, heartbeat,
  // console flush, credit stall; Clock::time_point::max() when idle.
  Clock::time_point next_timer() const noexcept;
  void on_timer(Clock::time_point now);

  // Liveness (PROTOCOL.md 5.5): when a valid frame last arrived, and whether
  // the peer owes us one (unacknowledged frames or an unanswered POLL).
  Clock::time_point last_heard() const noexcept { return last_heard_; }
  bool awaiting_peer() const noexcept;
  Clock::duration rto() const noexcept { return rto_; }
  // Heartbeat: the host sends ACK+POLL after this long without sending.
  void set_heartbeat(Clock::duration idle) noexcept { heartbeat_ = idle; }

  const Stats& stats() const noexcept { return stats_; }
  // The sender's state in one line, for -vvv: window, credit, timers, frame size.
  std::string describe() const;
  const EndpointConfig& config() const noexcept { return config_; }

 private:
  struct Outgoing {
    Outgoing() = default;
    Outgoing(Header header_, std::string payload_)
        : header(header_), payload(std::move(payload_)) {}
    Header header;  // type, flags (MORE, WND), req, sock; seq once numbered
    std::string payload;
    std::size_t taken = 0;       // DATA: payload bytes already cut off into frames
    bool resent = false;         // Karn's rule: no RTT sample from a retransmitted frame
    bool lost = false;           // waits to be sent again
    bool held = false;           // the peer keeps it after a gap: never sent again
    bool blocks_peer = false;    // a call that stops the peer's loop (send_blocking)
    std::uint16_t wire_end = 0;  // tx_off just past its last transmission
    Clock::time_point sent_at;
  };
  struct HeldFrame {
    Header header;
    std::string payload;
  };

  // Sending (endpoint_send.cpp).
  void queue(const Message& message, std::uint16_t req, std::uint8_t sock, bool blocks_peer);
  void queue_sequenced(Header header, std::string payload, bool blocks_peer);
  std::optional<std::uint16_t> blocking_cap() const noexcept;
  void note_blocking_end(std::uint16_t req) noexcept;
  void fill_output(Clock::time_point now);
  bool fill_control(Clock::time_point now);
  bool fill_sequenced(Clock::time_point now);
  Outgoing number_next();
  void encode(Header header, std::string_view payload, bool exempt, Clock::time_point now);
  bool exempt_allowed(Clock::time_point now) const noexcept;
  std::size_t max_payload() const noexcept;
  std::uint16_t tx_end() const noexcept;
  bool coalesce_data(const Header& header, std::string_view payload);
  bool credit_covers(std::uint16_t offset) const noexcept;
  bool credit_covers_frame(std::size_t payload_size) noexcept;

  // Receiving (endpoint_receive.cpp).
  void handle_frame(const FrameReceiver::Event& event, std::uint64_t after_delimiter,
                    Clock::time_point now);
  void handle_sequenced(const Frame& frame, Clock::time_point now);
  void deliver(const Frame& frame, Clock::time_point now);
  void hold(const Frame& frame);
  std::optional<HeldFrame>& held_slot(std::uint8_t seq) noexcept;
  bool holding() const noexcept;
  std::uint64_t held_bitmap() const noexcept;
  void handle_ack_field(std::uint8_t ack, Clock::time_point now);
  void handle_nak(const Frame& nak, Clock::time_point now);
  void resend_lost(const Header& nak, std::uint64_t held);
  bool repeats_go_back(const Header& nak, Clock::time_point now) const noexcept;
  void handle_junk(const FrameReceiver::Event& event);
  void request_nak(NakReason reason);
  Clock::duration nak_interval() const noexcept;
  Clock::time_point nak_allowed_at() const noexcept;
  Clock::time_point renak_due() const noexcept;
  std::uint16_t granted_credit() const noexcept;
  void push_event(Event event);

  // Timers and adaptation (endpoint_timers.cpp).
  void go_back(Clock::time_point now);
  void sample_rtt(Clock::duration sample);
  void reset_rto();
  bool heartbeat_due() const noexcept;
  bool paced() const noexcept;
  void on_loss();
  void on_clean_acks(std::size_t frames);

  EndpointConfig config_;
  PeerLink peer_;
  bool in_session_ = false;
  FrameReceiver receiver_;
  Reassembler reassembler_;
  std::deque<Event> events_;
  Stats stats_;

  // Sending.
  std::deque<Outgoing> control_;    // unsequenced: HELLO, HELLO_ACK, ANNOUNCE, RESET
  std::deque<Outgoing> unsent_;     // sequenced, not yet numbered
  std::deque<Outgoing> in_flight_;  // numbered, sent at least once, not acknowledged
  std::size_t resend_from_ = 0;     // in_flight_[resend_from_ ...] wait to be sent again
  std::size_t backlog_bytes_ = 0;
  struct BlockingCall {
    std::uint16_t req;
    std::optional<std::uint16_t> end;  // tx_off past its frame, once sent
  };
  std::deque<BlockingCall> blocking_;  // unanswered, in the order sent
  std::uint8_t next_seq_ = 0;
  std::string out_;  // encoded; out_[out_pos_ ...] not yet written
  std::size_t out_pos_ = 0;
  bool blocked_for_credit_ = false;  // a paid frame waited for credit in the last fill
  std::uint64_t written_ = 0;        // tx_off, unwrapped
  std::uint16_t peer_credit_ = 0;
  bool gap_zero_ = true;
  Clock::time_point last_write_;
  Clock::time_point last_exempt_;
  bool poll_now_ = false;   // an ACK with POLL is due
  bool final_now_ = false;  // an ACK with FINAL is due
  bool poll_outstanding_ = false;

  // Receiving.
  std::uint8_t expected_ = 0;
  std::uint16_t credit_sent_ = 0;
  std::uint64_t anchor_stream_ = 0;  // bytes_read just past the last valid frame
  std::uint16_t anchor_woff_ = 0;    // the peer's offset at that point
  std::size_t deliveries_unacked_ = 0;
  bool ack_now_ = false;
  Clock::time_point delack_due_ = Clock::time_point::max();
  bool nak_pending_ = false;
  NakReason nak_reason_ = NakReason::damaged;
  bool nak_sent_for_expected_ = false;
  std::vector<std::optional<HeldFrame>> held_;  // by seq mod its size, after a gap
  bool peer_reads_held_ = false;                // its NAKs carry `held`: it resends selectively
  Clock::time_point last_nak_;
  Clock::time_point stall_due_ = Clock::time_point::max();
  Clock::duration stall_backoff_{};
  Clock::time_point console_flush_due_ = Clock::time_point::max();
  Clock::time_point last_heard_;

  // Timers.
  Clock::duration rto_{};
  Clock::duration rto_min_{};
  Clock::duration rto_max_{};
  Clock::duration srtt_{};
  Clock::duration rttvar_{};
  bool have_rtt_ = false;
  Clock::time_point rtx_due_ = Clock::time_point::max();
  Clock::time_point go_back_started_;
  std::uint8_t go_back_ack_ = 0;
  std::uint16_t go_back_woff_ = 0;  // where the go-back's first retransmission starts
  bool went_back_ = false;
  Clock::duration heartbeat_{};
  Clock::time_point persist_due_ = Clock::time_point::max();

  // Adaptation under noise: payload per frame and frames in flight.
  std::size_t chunk_limit_ = 0;
  std::size_t flight_limit_ = 0;
  std::size_t clean_streak_ = 0;
};

}  // namespace usock::proxy
