#pragma once
// Joins a message split over consecutive sequenced frames (PROTOCOL.md 8.1:
// all but the last carry MORE). Fed the frames the link delivers in order,
// it hands back whole messages for decode_message.

#include <cstddef>
#include <optional>
#include <string>

#include "usock/proxy/frame.hpp"

namespace usock::proxy {

// The largest message the host reassembles (PROTOCOL.md 8.1).
inline constexpr std::size_t kHostMaxMessage = 65535;

class Reassembler {
 public:
  explicit Reassembler(std::size_t max_message = kHostMaxMessage);

  // Takes the next in-order sequenced frame. Returns the whole message when
  // `frame` ends one: the first fragment's header without MORE, and the
  // joined payload, which views `frame` when it was whole by itself and the
  // reassembler otherwise (valid until the next call). Returns nullopt while
  // fragments gather. Throws MalformedMessage when a fragment does not
  // continue the message (another type, req or sock), a later fragment
  // carries WND, or the message outgrows `max_message`; the partial message
  // is dropped.
  std::optional<Frame> add(const Frame& frame);

  // Forgets a partial message (a new session).
  void reset();
  bool gathering() const noexcept { return first_.has_value(); }

 private:
  [[noreturn]] void fail(FrameType type, const char* what);

  std::size_t max_message_;
  std::optional<Header> first_;
  std::string payload_;
};

}  // namespace usock::proxy
