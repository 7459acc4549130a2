// The bootstrap's reading of a board's replies (PROTOCOL.md 7.7): whatever
// the board answers and however slowly, the machine ends running or failed
// with a reason, keeps its console lines bounded, and never sends program
// bytes faster than the board allows (the raw-paste window, or plain raw
// mode's 256-byte chunks).
//
// Input: records of [length][time step in 10 ms][length bytes of reply];
// the first byte's low bit asks for a soft reset.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/proxy/bootstrap.hpp"

namespace {

// Program bytes are 'x' and only 'x': what the machine writes of them can
// be counted apart from its control bytes.
constexpr std::size_t kProgramSize = 700;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using usock::proxy::RawReplBootstrap;
  auto now = usock::Clock::time_point{};
  RawReplBootstrap bootstrap(std::string(kProgramSize, 'x'), (data[0] & 1) != 0, now);
  std::size_t written = 0;
  std::size_t credits = 0;
  std::size_t at = 1;
  const auto drain = [&] {
    const std::string_view out = bootstrap.output();
    const auto chunk = static_cast<std::size_t>(std::count(out.begin(), out.end(), 'x'));
    const std::string& mode = bootstrap.mode();
    if (mode.rfind("raw-paste, window ", 0) == 0) {
      const std::size_t window = std::stoul(mode.substr(18));
      FUZZ_CHECK(written + chunk <= window * (1 + credits));
    } else {
      FUZZ_CHECK(chunk <= 256);
    }
    written += chunk;
    bootstrap.wrote(out.size());
    for (const auto& line : bootstrap.take_console())
      FUZZ_CHECK(line.size() <= 1025);
  };
  drain();
  while (at + 2 <= size && !bootstrap.failure() && !bootstrap.running()) {
    const std::size_t length = std::min<std::size_t>(data[at], size - at - 2);
    now += std::chrono::milliseconds(10 * data[at + 1]);
    const std::string_view reply(reinterpret_cast<const char*>(data + at + 2), length);
    at += 2 + length;
    credits += static_cast<std::size_t>(std::count(reply.begin(), reply.end(), '\x01'));
    bootstrap.on_timer(now);
    drain();
    bootstrap.receive(reply, now);
    drain();
  }
  // Silence: every wait ends.
  for (int turn = 0; turn < 200 && !bootstrap.failure() && !bootstrap.running(); ++turn) {
    FUZZ_CHECK(bootstrap.next_timer() != usock::Clock::time_point::max());
    now = std::max(now, bootstrap.next_timer());
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
