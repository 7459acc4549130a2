// The bootstrap's reading of a board's replies (PROTOCOL.md 7.7): whatever
// the board answers and however slowly, the machine ends running or failed
// with a reason, keeps its console lines bounded, and never sends a piece's
// bytes faster than the board allows (the raw-paste window, or plain raw
// mode's 256-byte chunks), nor a piece before the board ran the one before.
//
// Input: records of [length][time step in 10 ms][length bytes of reply];
// the first byte's low bit asks for a soft reset, the next bits for the
// number of pieces.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "usock/proxy/bootstrap.hpp"

namespace {

// Program bytes are 'x' and only 'x': what the machine writes of them can
// be counted apart from its control bytes.
constexpr std::size_t kProgramSize = 700;
constexpr std::string_view kPasteRequest =
    "\x05"
    "A\x01";

std::size_t count_x(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), 'x'));
}

// The largest raw-paste window the board's replies could have offered.
std::size_t largest_window(std::string_view heard) {
  std::size_t largest = 0;
  for (auto at = heard.find("R\x01"); at != std::string_view::npos && at + 3 < heard.size();
       at = heard.find("R\x01", at + 1)) {
    largest = std::max<std::size_t>(
        largest, static_cast<unsigned char>(heard[at + 2]) |
                     static_cast<std::size_t>(static_cast<unsigned char>(heard[at + 3])) << 8);
  }
  return largest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using usock::proxy::RawReplBootstrap;
  auto now = usock::Clock::time_point{};
  const std::size_t count = 1 + (data[0] >> 1) % 4;
  std::vector<std::string> pieces(count, std::string(kProgramSize / count, 'x'));
  pieces.back().append(kProgramSize % count, 'x');
  RawReplBootstrap bootstrap(pieces, (data[0] & 1) != 0, now);
  std::size_t written = 0;
  // Since the piece's raw-paste request: its bytes, the credit (counting
  // the whole reply that may have begun it) and the chunks plain raw mode
  // may have sent (one per timer, one at each start).
  std::size_t piece_written = 0;
  std::size_t credits = 0;
  std::size_t chunks = 1;
  std::size_t reply_credits = 0;
  std::string heard;
  std::size_t at = 1;
  const auto drain = [&] {
    std::string_view out = bootstrap.output();
    const std::size_t window = largest_window(heard);
    for (;;) {
      const auto request = out.find(kPasteRequest);
      const std::string_view part = out.substr(0, request);
      piece_written += count_x(part);
      chunks += static_cast<std::size_t>(std::count(part.begin(), part.end(), '\x04'));
      FUZZ_CHECK(piece_written <= std::max(window * (1 + credits), 256 * chunks));
      if (request == std::string_view::npos) break;
      out.remove_prefix(request + kPasteRequest.size());
      piece_written = 0;
      credits = reply_credits;
      chunks = 1;
    }
    written += count_x(bootstrap.output());
    bootstrap.wrote(bootstrap.output().size());
    for (const auto& line : bootstrap.take_console())
      FUZZ_CHECK(line.size() <= 1025);
  };
  drain();
  while (at + 2 <= size && !bootstrap.failure() && !bootstrap.running()) {
    const std::size_t length = std::min<std::size_t>(data[at], size - at - 2);
    now += std::chrono::milliseconds(10 * data[at + 1]);
    const std::string_view reply(reinterpret_cast<const char*>(data + at + 2), length);
    at += 2 + length;
    reply_credits = static_cast<std::size_t>(std::count(reply.begin(), reply.end(), '\x01'));
    ++chunks;
    bootstrap.on_timer(now);
    drain();
    heard.append(reply);
    credits += reply_credits;
    bootstrap.receive(reply, now);
    drain();
  }
  // Silence: every wait ends.
  for (int turn = 0; turn < 200 && !bootstrap.failure() && !bootstrap.running(); ++turn) {
    FUZZ_CHECK(bootstrap.next_timer() != usock::Clock::time_point::max());
    now = std::max(now, bootstrap.next_timer());
    ++chunks;
    bootstrap.on_timer(now);
    drain();
  }
  FUZZ_CHECK(bootstrap.failure() || bootstrap.running() || written < kProgramSize);
  if (bootstrap.failure()) FUZZ_CHECK(!bootstrap.failure()->cause.empty());
  FUZZ_CHECK(written <= kProgramSize);
  // A board that ended the raw-paste upload gets nothing more of it.
  if (bootstrap.aborted_after()) FUZZ_CHECK(written == *bootstrap.aborted_after());
  return 0;
}
