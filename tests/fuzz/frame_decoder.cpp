// FrameReceiver: any byte stream gives the same events however it is cut,
// every frame it reports re-encodes to the bytes it came in, damage and
// console text stay within the buffers, and a frame made from the input
// comes back out whole.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "usock/proxy/console.hpp"
#include "usock/proxy/receiver.hpp"

using usock::proxy::FrameReceiver;
using Kind = FrameReceiver::Event::Kind;

namespace {

struct Record {
  Kind kind;
  usock::proxy::Header header;
  std::string bytes;  // payload, console line or damaged bytes
  std::size_t size;
  FrameReceiver::Damage damage;
  bool operator==(const Record&) const = default;
};

std::vector<Record> receive(std::size_t mtu, std::string_view stream, std::size_t step) {
  FrameReceiver receiver(mtu);
  std::vector<Record> records;
  while (!stream.empty()) {
    std::string_view piece = stream.substr(0, step);
    stream.remove_prefix(piece.size());
    for (auto event = receiver.next(piece); event.kind != Kind::none;
         event = receiver.next(piece)) {
      const std::string_view bytes = event.kind == Kind::frame ? event.frame.payload : event.bytes;
      records.push_back(
          {event.kind, event.frame.header, std::string(bytes), event.size, event.damage});
    }
    FUZZ_CHECK(piece.empty());
  }
  for (auto last = receiver.flush(); last.kind != Kind::none; last = receiver.flush()) {
    FUZZ_CHECK(last.kind == Kind::console);
    records.push_back({last.kind, {}, std::string(last.bytes), 0, {}});
  }
  return records;
}

void check_events(std::size_t mtu, const std::vector<Record>& records) {
  for (const auto& record : records) {
    switch (record.kind) {
      case Kind::frame: {
        FUZZ_CHECK(record.bytes.size() + usock::proxy::kMinBodySize <= mtu);
        std::string wire;
        encode_frame(record.header, record.bytes, wire);
        // A final full block may or may not have been followed by 0x01.
        FUZZ_CHECK(wire.size() == record.size || wire.size() == record.size + 1);
        break;
      }
      case Kind::damaged:
        FUZZ_CHECK(record.bytes.size() <= usock::proxy::cobs_max_size(mtu));
        FUZZ_CHECK(record.bytes.size() <= record.size);
        FUZZ_CHECK(record.bytes.find('\0') == std::string::npos);
        break;
      case Kind::console:
        FUZZ_CHECK(!record.bytes.empty());
        FUZZ_CHECK(record.bytes.find('\n') == std::string::npos);
        FUZZ_CHECK(usock::proxy::is_console_text(record.bytes));
        break;
      case Kind::none:
        FUZZ_CHECK(false);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static constexpr std::size_t kMtus[] = {256, 1024, usock::proxy::kHostMtu};
  const std::size_t mtu = kMtus[size % 3];

  const auto whole = receive(mtu, input, input.size() + 1);
  check_events(mtu, whole);
  FUZZ_CHECK(receive(mtu, input, 1) == whole);
  FUZZ_CHECK(receive(mtu, input, size % 61 + 2) == whole);

  // The input as a frame's payload: after any junk, one delimiter, and it is back.
  usock::proxy::Header header;
  header.type = usock::proxy::FrameType::data;
  header.flags = size > 0 ? data[0] : 0;
  header.woff = static_cast<std::uint16_t>(size);
  header.sock = 1;
  const std::string_view payload = input.substr(0, mtu - usock::proxy::kMinBodySize);
  std::string stream(input);
  stream += '\0';
  encode_frame(header, payload, stream);
  const auto records = receive(mtu, stream, stream.size() + 1);
  FUZZ_CHECK(!records.empty());
  FUZZ_CHECK(records.back().kind == Kind::frame);
  FUZZ_CHECK(records.back().header == header);
  FUZZ_CHECK(records.back().bytes == payload);
  return 0;
}
