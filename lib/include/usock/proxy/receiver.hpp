#pragma once
// Splits the byte stream from a board into frames, damaged candidates and
// console text (PROTOCOL.md 3.3, 3.4). Every 0x00 ends a candidate, so the
// receiver is back in step at the next delimiter whatever came before it;
// its buffers are sized once, for the largest frame it accepts.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "usock/proxy/frame.hpp"

namespace usock::proxy {

class FrameReceiver {
 public:
  // Why a candidate is not a frame. too_long is NAK reason 3; the others
  // are reason 1 (PROTOCOL.md 5.3).
  enum class Damage { cobs, too_short, crc, too_long };

  struct Event {
    enum class Kind { none, frame, damaged, console };
    Kind kind = Kind::none;
    // frame: the header and the payload, which views the receiver.
    Frame frame;
    // frame: its COBS bytes plus the delimiter, for the link-credit anchor
    // (PROTOCOL.md 6.1). damaged: the bytes discarded, delimiter excluded.
    std::size_t size = 0;
    Damage damage = Damage::cobs;
    // console: one line, without its line ending. damaged: the first bytes
    // discarded, for a hex preview.
    std::string_view bytes;
  };

  // `mtu`: the largest decoded body accepted, as announced in the handshake.
  explicit FrameReceiver(std::size_t mtu = kHostMtu);

  // The next event from the front of `in`, which is advanced past the bytes
  // it took; Kind::none once `in` is used up with nothing to report. Views
  // in an event stay valid until the next call.
  Event next(std::string_view& in);
  // Reports the console lines held back and the partial line after a
  // silence (PROTOCOL.md 3.4), so a prompt without a line ending is seen and
  // a board that stopped sending delimiters is heard; one event per call,
  // Kind::none when there is nothing more.
  Event flush();

  // Whether bytes of an unfinished candidate are held: the peer may be stuck
  // in the middle of a frame (the stall timer of PROTOCOL.md 6.1).
  bool in_candidate() const noexcept { return !run_ended_ && run_size_ > 0; }

 private:
  void start_run();
  void start_line();
  void take(char byte);
  Event end_run();
  Event end_line();
  Event check_frame();
  Event release();

  std::size_t mtu_;
  std::size_t capacity_;  // the longest run that can hold a frame of mtu_ bytes

  std::string run_;           // the candidate's bytes, up to capacity_
  std::string body_;          // the candidate, COBS-decoded
  std::size_t run_size_ = 0;  // bytes in the candidate, also those past capacity_
  bool run_text_ = true;      // every line of the candidate so far is console text
  bool run_ended_ = false;

  std::string line_;       // the console line being gathered
  bool line_text_ = true;  // the line so far can be console text
  bool line_ended_ = false;

  // Console lines of the current candidate wait for its end: inside a frame
  // that turns out valid they are data. A run too long for a frame, junk at
  // its delimiter or a silence (flush) lets them out.
  std::deque<std::string> held_;
  bool release_held_ = false;
  std::string shown_;  // the line last reported

  Event pending_;  // the damage report after a junk candidate's lines
};

}  // namespace usock::proxy
