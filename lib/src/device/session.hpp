#pragma once
// One session with a board (PROTOCOL.md 7, 10): the link thread, which does
// all the I/O and keeps the socket mirrors, and the calls the application
// threads make on it. Everything is guarded by one mutex; the link thread
// notifies one condition variable after every change, and every wait of an
// application thread is on it, with the operation's own deadline, ending
// early with the session's failure.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "crc_storm.hpp"
#include "mirror.hpp"
#include "usock/device_stack.hpp"
#include "usock/link.hpp"
#include "usock/link_error.hpp"
#include "usock/proxy/bootstrap.hpp"
#include "usock/proxy/console.hpp"
#include "usock/proxy/endpoint.hpp"
#include "usock/proxy/message.hpp"
#include "usock/wait.hpp"

namespace usock::device {

// What the board announced in HELLO_ACK; fixed once the session is open.
struct BoardFacts {
  std::uint32_t boot_id = 0;
  std::uint32_t caps = 0;
  std::uint32_t sock_buf = 0;
  std::uint16_t max_msg = 0;
  std::uint16_t max_block_ms = 0;
  std::uint16_t mtu = 0;
  std::uint8_t max_sockets = 0;
  std::uint32_t baud = 0;
  std::uint32_t mem_free = 0;
  std::string platform;
  std::string impl;
  std::string machine;
  std::string agent;
};

// A call's RESULT, copied out of its frame.
struct Outcome {
  int code = 0;
  std::string text;
  std::string body;
};

class Session {
 public:
  using Lock = std::unique_lock<std::mutex>;

  // What a call's RESULT does when it arrives.
  enum class Handling {
    awaited,     // an application thread waits for it
    background,  // not awaited (SOCKET, SETSOCKOPT, SHUTDOWN): a failure waits in the mirror
    connect,     // completes the mirror's connect
    close,       // frees the socket id
    cancelled,   // its caller gave up: discarded
  };

  Session(Link link, DeviceOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts the link thread and waits for the handshake; raises LinkError.
  void start();
  // Delivers what is queued, waits for the closes, says BYE (PROTOCOL.md
  // 7.6); raises LinkError when the session failed, ETIMEDOUT when `wait`
  // runs out first.
  void finish(Wait wait);
  // Ends the link thread; later calls fail. Idempotent, never throws.
  void stop() noexcept;

  std::string uri() const { return link_.address().text(); }

  // Everything below requires the lock, taken with lock().
  Lock lock() { return Lock(mutex_); }

  // The board's facts: valid once start() returned.
  const BoardFacts& board() const noexcept { return board_; }
  bool has(std::uint32_t cap) const noexcept { return (board_.caps & cap) != 0; }
  // The accept credit a listening socket starts with (HELLO's acceptwin).
  std::uint32_t accept_window() const noexcept { return kAcceptWindow; }

  // Raises the session's failure, or ENOTCONN after finish().
  void check() const;
  // Waits until `ready()` holds, returning false when `wait` runs out first
  // (at once for Wait::never). Raises the session's failure.
  template <class Ready>
  bool wait_until(Lock& lock, Wait wait, Ready ready) {
    while (true) {
      check();
      if (ready()) return true;
      if (wait.is_never() || wait.expired()) return false;
      const int ms = wait.remaining_ms();
      if (ms < 0) {
        changed_.wait(lock);
      } else {
        changed_.wait_for(lock, std::chrono::milliseconds(ms));
      }
    }
  }

  // Queues a message that is not a call (DATA, DGRAM, WINDOW).
  void send(const proxy::Message& message, std::uint8_t sock);
  // Queues a call and returns its request id. `what` names the call in the
  // error a background failure leaves ("setsockopt(SOL_SOCKET, SO_REUSEADDR)").
  std::uint16_t call(const proxy::Message& message, std::uint8_t sock, Handling handling,
                     std::string what = {});
  // A call's decoded success body and the bytes its strings view.
  struct CallResult {
    std::unique_ptr<const std::string> bytes;
    proxy::ResultBody body;
  };
  // Queues a call and waits for its result: the decoded success body, or
  // the board's error raised. A deadline sends CANCEL and raises ETIMEDOUT.
  // A failure a background call on `mirror` left is raised first: it came
  // earlier and explains this one.
  CallResult call_and_wait(Lock& lock, const proxy::Message& message, Mirror* mirror, Wait wait);
  // Gives up on a pending call: CANCEL goes out, its RESULT is discarded.
  void cancel(std::uint16_t req, std::uint8_t sock);
  // Decodes a success body; a malformed one ends the session.
  proxy::ResultBody decode(proxy::FrameType call, const std::string& body);

  // A new socket: the id, the mirror and a SOCKET call, not awaited.
  std::shared_ptr<Mirror> open_socket(Family family, SockType type, int proto);
  // A socket the device made (ACCEPTED), taken by accept().
  std::shared_ptr<Mirror> accepted_socket(std::uint8_t id);
  // Queues CLOSE; the id is free when its RESULT arrives. Never throws.
  void close_socket(Mirror& mirror) noexcept;
  // Grants the device credit for what recv() took (the quarter-window rule
  // of PROTOCOL.md 6.2); the limit rides on outgoing DATA when there is some.
  void return_credit(Mirror& mirror);
  std::optional<std::uint32_t> credit_to_piggyback(Mirror& mirror);
  void return_accept_credit(Mirror& listener);
  // Payload bytes the link may still queue: bounds memory when the line is
  // slower than the application.
  std::size_t link_room() const noexcept;
  std::size_t data_chunk() const noexcept { return endpoint_.data_chunk(); }

  // The error for a board's code: errno or resolver code, portable.
  static OSError board_error(int code, std::string_view text);

 private:
  enum class Phase { listening, bootstrapping, hello_sent, open, finished, failed };
  // A start that failed once the raw REPL answered leaves the board there:
  // how to hand it back to its friendly REPL.
  enum class HandBack { none, leave, interrupt_then_leave };

  struct Pending {
    proxy::FrameType call = proxy::FrameType::result;
    std::uint8_t sock = 0;
    Handling handling = Handling::awaited;
    std::string what;
    bool done = false;
    Outcome outcome;
  };

  // Marker confirmation (PROTOCOL.md 3.4): a console line that says the
  // board reset, waiting for the answer to a POLL.
  struct MarkerWatch {
    proxy::ConsoleMarker::Kind kind;
    std::string line;
    std::uint64_t frames_before = 0;
    Clock::time_point due;
    std::vector<std::string> traceback;
  };

  static constexpr std::uint32_t kSocketWindow = 65536;
  static constexpr std::uint8_t kAcceptWindow = 4;
  static constexpr std::size_t kLinkBacklog = 256 * 1024;

  // Link thread (link_thread.cpp).
  void run() noexcept;
  void serve(Lock& lock);
  void received(std::string_view bytes, Clock::time_point now);
  void pump(Clock::time_point now);
  void write_output(Clock::time_point now);
  Clock::time_point next_due(Clock::time_point now) const;
  void check_liveness(Clock::time_point now);
  Clock::duration dead_after() const;
  bool blocks_agent(proxy::FrameType call) const;
  void wake() noexcept;

  // Finding the agent, or starting it through the raw REPL (discovery.cpp).
  void start_listening(Clock::time_point now);
  void on_listen_timeout(Clock::time_point now);
  void start_bootstrap(Clock::time_point now);
  void pump_bootstrap(Clock::time_point now);
  void on_console_before_session(const std::string& line);
  void watch_raw_prompt(std::string_view bytes);
  void leave_raw_repl(Lock& lock);
  HandBack failed_start_hand_back(LinkError::Kind kind) const;
  void hand_back_after_failure();
  void write_raw(std::string_view bytes, Clock::time_point until);

  // Handshake (handshake.cpp).
  void on_evidence(Clock::time_point now);
  void send_hello(Clock::time_point now);
  void check_handshake(Clock::time_point now);
  void on_hello_ack(const proxy::HelloAck& ack, Clock::time_point now);

  // What the device sends (inbound.cpp).
  void on_event(proxy::LinkEndpoint::Event& event, Clock::time_point now);
  void on_message(const proxy::Header& header, const proxy::Message& message);
  void on_announce(std::uint32_t boot_id, bool in_session_frame);
  void on_reset(const proxy::Reset& reset);
  void on_result(const proxy::Header& header, const proxy::Result& result);
  void on_accepted(std::uint8_t listener_id, const proxy::Accepted& accepted);
  std::shared_ptr<Mirror> live_mirror(std::uint8_t id) const;

  // Console markers (console_watch.cpp).
  void on_console(const std::string& line, Clock::time_point now);
  void check_marker(Clock::time_point now);

  void fail(LinkError::Kind kind, const std::string& message);
  void fail_protocol(const std::string& detail);
  std::uint16_t next_request_id();
  std::optional<std::uint8_t> free_socket_id();

  Link link_;
  const DeviceOptions options_;
  std::string hello_name_;
  int wake_fd_ = -1;
  std::thread thread_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  Phase phase_ = Phase::listening;
  std::optional<LinkError> failure_;
  proxy::LinkEndpoint endpoint_;
  BoardFacts board_;

  // Discovery (PROTOCOL.md 7.1) and bootstrap (7.7).
  Clock::time_point listen_until_;
  Clock::time_point started_;
  bool probed_ = false;        // the \r probe went out
  bool damage_heard_ = false;  // damaged frames while listening: an agent behind noise?
  bool injected_ = false;      // we started the agent: leave the raw REPL at the end
  bool repl_seen_ = false;
  std::optional<std::size_t> aborted_after_;  // the board ended the upload early
  std::vector<std::string> heard_;            // console lines before the session
  std::optional<proxy::RawReplBootstrap> bootstrap_;
  std::string raw_out_;  // bytes outside frames: the probe, the final \r\x02
  std::optional<std::vector<std::string>> traceback_;  // an uploaded program's, being read
  std::string prompt_tail_;
  // The raw REPL's end of a run, \x04 and its prompt, since the upload (or
  // since BYE). Before the session it may also be frame bytes that looked
  // so: then only the interrupt before Ctrl-B is left out.
  bool raw_prompt_seen_ = false;
  HandBack hand_back_ = HandBack::none;
  // The agent returned to the raw REPL: a frame now would be typed into
  // it (\x04 runs the line, or soft-resets the friendly REPL).
  bool handed_back_ = false;

  // Handshake.
  std::uint32_t nonce_ = 0;
  int hello_tries_ = 0;
  Clock::time_point next_state_log_;   // -vvv: the link's state once a second
  bool damaged_in_handshake_ = false;  // the board may be answering through noise
  Clock::duration first_hello_wait_{};
  Clock::time_point hello_give_up_;
  Clock::duration hello_wait_{};
  Clock::time_point hello_due_ = Clock::time_point::max();

  std::map<std::uint16_t, Pending> pending_;
  std::uint16_t last_req_ = 0;
  std::map<std::uint8_t, std::shared_ptr<Mirror>> sockets_;
  std::uint8_t last_socket_id_ = 0;
  bool bye_acked_ = false;
  bool bye_sent_ = false;  // an ANNOUNCE after it is the board done with us

  std::optional<MarkerWatch> marker_;
  CrcStorm storm_;
  std::uint64_t frames_seen_ = 0;
};

}  // namespace usock::device
