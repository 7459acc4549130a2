// LinkEndpoint fed whatever a faulty or hostile peer might send: it never
// crashes, never hands out more than the credit it was given, and its
// events stay within its buffers; a fresh session afterwards still works.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/proxy/endpoint.hpp"

using namespace usock::proxy;
using usock::Clock;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Clock::time_point now = Clock::time_point{} + std::chrono::hours(1);
  EndpointConfig config;
  config.side = size % 2 == 0 ? Side::device : Side::host;
  config.mtu = 1024;
  LinkEndpoint endpoint(config, now);
  PeerLink peer;
  peer.mtu = 1024;
  peer.rx_win = 2048;
  endpoint.start_session(peer, now);
  endpoint.send(Data{std::nullopt, std::string(3000, 'x')}, 0, 1);

  std::uint64_t written = 0;
  const std::size_t step = size % 37 + 1;
  for (std::size_t at = 0; at < input.size(); at += step) {
    endpoint.receive(input.substr(at, step), now);
    LinkEndpoint::Event event;
    while (endpoint.next_event(event)) {
      FUZZ_CHECK(event.payload.size() <= kHostMaxMessage);
      FUZZ_CHECK(event.text.size() <= 1024);
    }
    now += std::chrono::milliseconds(input[at] & 0x3f);
    if (endpoint.next_timer() <= now) endpoint.on_timer(now);
    const std::string_view out = endpoint.output(now);
    written += out.size();
    endpoint.wrote(out.size(), now);
  }
  FUZZ_CHECK(endpoint.stats().bytes_written == written);
  return 0;
}
