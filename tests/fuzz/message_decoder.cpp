// decode_message: any header and payload either decode or raise
// MalformedMessage (nothing else escapes), and what decodes encodes back to
// the same bytes; so do RESULT bodies, read as the answer to every call.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_check.hpp"
#include "usock/proxy/message.hpp"
#include "usock/proxy/wire.hpp"

using namespace usock::proxy;

namespace {

// Input layout: the 11 header bytes of a frame body, then the payload (a
// frame body without its CRC, as the seeds are).
Header read_header(std::string_view bytes) {
  WireReader in(bytes);
  Header header;
  header.type = static_cast<FrameType>(in.u8("type"));
  header.flags = in.u8("flags");
  header.seq = in.u8("seq");
  header.ack = in.u8("ack");
  header.credit = in.u16("credit");
  header.woff = in.u16("woff");
  header.req = in.u16("req");
  header.sock = in.u8("sock");
  return header;
}

void check_result_bodies(std::string_view body) {
  const auto first = static_cast<int>(FrameType::getaddrinfo);
  const auto last = static_cast<int>(FrameType::cancel);  // the one call that has no result
  for (int call = first; call <= last; ++call) {
    try {
      const ResultBody decoded = decode_result_body(static_cast<FrameType>(call), body);
      std::string again;
      encode_result_body(decoded, again);
      FUZZ_CHECK(again == body);
    } catch (const MalformedMessage&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.size() < kHeaderSize) return 0;
  const Header header = read_header(input);
  const std::string_view payload = input.substr(kHeaderSize);
  Message message;
  try {
    message = decode_message(header, payload);
  } catch (const MalformedMessage& error) {
    FUZZ_CHECK(std::string_view(error.what()).size() > 0);
    return 0;
  }
  FUZZ_CHECK(message_type(message) == header.type);
  std::string again;
  const std::uint8_t flags = encode_payload(message, again);
  const bool carries_limit = header.type == FrameType::data || header.type == FrameType::dgram;
  FUZZ_CHECK(flags == (carries_limit ? header.flags & frame_flag::wnd : 0));
  const auto* ack = std::get_if<HelloAck>(&message);
  if (ack != nullptr && ack->version == 0) {
    // Only the version range of a refusal is read.
    FUZZ_CHECK(again.substr(0, 7) == payload.substr(0, 7));
  } else if (header.type == FrameType::hello || header.type == FrameType::hello_ack ||
             header.type == FrameType::announce) {
    // Fields a later version appended are skipped.
    FUZZ_CHECK(payload.substr(0, again.size()) == again);
  } else {
    FUZZ_CHECK(again == payload);
  }
  if (const auto* result = std::get_if<Result>(&message); result != nullptr && result->code == 0)
    check_result_bodies(result->body);
  return 0;
}
