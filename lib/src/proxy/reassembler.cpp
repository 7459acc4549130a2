#include "usock/proxy/reassembler.hpp"

#include "usock/proxy/wire.hpp"

namespace usock::proxy {

Reassembler::Reassembler(std::size_t max_message) : max_message_(max_message) {}

void Reassembler::reset() {
  first_.reset();
  payload_.clear();
}

void Reassembler::fail(FrameType type, const char* what) {
  reset();
  throw MalformedMessage(frame_type_name(type) + ": " + what);
}

std::optional<Frame> Reassembler::add(const Frame& frame) {
  // The last message handed out is no longer viewed.
  if (!first_) payload_.clear();
  const Header& header = frame.header;
  const bool more = (header.flags & frame_flag::more) != 0;
  if (first_) {
    if (header.type != first_->type || header.req != first_->req || header.sock != first_->sock)
      fail(header.type, "fragment of another message");
    if (header.flags & frame_flag::wnd) fail(header.type, "WND after the first fragment");
  }
  if (frame.payload.size() > max_message_ - payload_.size())
    fail(header.type, "message longer than the largest reassembled");
  if (!first_ && !more) return frame;
  if (!first_) {
    first_ = header;
    first_->flags &= static_cast<std::uint8_t>(~frame_flag::more);
  }
  payload_.append(frame.payload);
  if (more) return std::nullopt;
  const Header whole = *first_;
  first_.reset();
  return Frame{whole, payload_};
}

}  // namespace usock::proxy
