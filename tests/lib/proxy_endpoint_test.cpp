// LinkEndpoint (PROTOCOL.md 5, 6): two endpoints on a simulated line. What
// the protocol promises is checked on the messages that come out: every
// one exactly once and in order, through noise, drops and duplicates, and
// never more bytes on the line than the peer's credit allows.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "proxy_line.hpp"
#include "usock/proxy/endpoint.hpp"

using namespace usock::proxy;
using usock::Clock;
using usock::test::SimulatedLine;
using namespace std::chrono_literals;

namespace {

const Clock::time_point kStart = Clock::time_point{} + std::chrono::hours(1);

EndpointConfig config_for(Side side, std::size_t mtu = kHostMtu, std::uint16_t rx_win = 16384) {
  EndpointConfig config;
  config.side = side;
  config.mtu = mtu;
  config.rx_win = rx_win;
  config.txw = 32;
  return config;
}

PeerLink peer_of(const EndpointConfig& config) {
  PeerLink peer;
  peer.rx_win = config.rx_win;
  peer.mtu = config.mtu;
  peer.max_message = config.max_message;
  return peer;
}

struct Pair {
  explicit Pair(EndpointConfig host_config = config_for(Side::host),
                EndpointConfig device_config = config_for(Side::device))
      : host(host_config, kStart), device(device_config, kStart), line(host, device) {
    host.start_session(peer_of(device_config), kStart);
    device.start_session(peer_of(host_config), kStart);
  }
  LinkEndpoint host;
  LinkEndpoint device;
  SimulatedLine line;
};

// A reproducible byte pattern, so a lost, doubled or reordered byte shows.
std::string pattern(std::size_t size, unsigned salt) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<char>((i * 131 + salt) % 251);
  return bytes;
}

// Collects the stream bytes of DATA on socket 1 and every other message.
struct Sink {
  std::string data;
  std::vector<LinkEndpoint::Event> others;
  void drain(LinkEndpoint& endpoint) {
    LinkEndpoint::Event event;
    while (endpoint.next_event(event)) {
      if (event.kind == LinkEndpoint::Event::Kind::message &&
          event.header.type == FrameType::data) {
        const auto message = decode_message(event.header, event.payload);
        data += std::get<Data>(message).bytes;
      } else if (event.kind != LinkEndpoint::Event::Kind::damaged) {
        others.push_back(std::move(event));
      }
    }
  }
};

// Sends `bytes` from `from` in data_chunk() pieces, keeping at most 64 KiB
// queued, until `sink` has all of it or `max_steps` pass.
void transfer(Pair& pair, LinkEndpoint& from, LinkEndpoint& to, Sink& sink,
              const std::string& bytes, long max_steps) {
  std::size_t queued = 0;
  for (long step = 0; step < max_steps && sink.data.size() < bytes.size(); ++step) {
    while (queued < bytes.size() && from.backlog_bytes() < 65536) {
      const std::size_t size = std::min<std::size_t>(16384, bytes.size() - queued);
      from.send(Data{std::nullopt, std::string_view(bytes).substr(queued, size)}, 0, 1);
      queued += size;
    }
    pair.line.step();
    sink.drain(to);
  }
}

}  // namespace

TEST_CASE("a clean line carries bulk data once and in order at high efficiency") {
  Pair pair;
  Sink sink;
  const std::string bytes = pattern(1 << 20, 7);
  transfer(pair, pair.host, pair.device, sink, bytes, 200000);
  REQUIRE(sink.data.size() == bytes.size());
  CHECK(sink.data == bytes);
  CHECK(pair.host.stats().frames_resent == 0);
  // PROTOCOL.md 12.1: 4 KiB frames carry 99 % payload; the small first
  // frames of the slow start cost a little.
  const double efficiency =
      static_cast<double>(bytes.size()) / static_cast<double>(pair.host.stats().bytes_written);
  CHECK(efficiency > 0.97);
}

TEST_CASE("a line that corrupts 1 percent and drops 0.1 percent of bytes loses nothing") {
  Pair pair;
  pair.line.to_device = {0.01, 0.001, false, false};
  pair.line.to_host = {0.01, 0.001, false, false};
  Sink at_device;
  Sink at_host;
  const std::string up = pattern(256 * 1024, 3);
  const std::string down = pattern(256 * 1024, 11);
  transfer(pair, pair.host, pair.device, at_device, up, 3000000);
  transfer(pair, pair.device, pair.host, at_host, down, 3000000);
  REQUIRE(at_device.data.size() == up.size());
  CHECK(at_device.data == up);
  REQUIRE(at_host.data.size() == down.size());
  CHECK(at_host.data == down);
  CHECK(pair.host.stats().naks_received > 0);
  CHECK(pair.device.stats().frames_damaged > 0);
  CHECK(pair.host.data_chunk() < 1024);  // the frames shrank to pass the noise
}

TEST_CASE("under noise a peer that keeps frames after a gap is sent far fewer frames again") {
  // PROTOCOL.md 5.1: go-back-N resends the whole window behind each loss;
  // at 1 percent noise nearly every window has one.
  const auto resent_per_frame = [](bool keep) {
    EndpointConfig device_config = config_for(Side::device);
    device_config.keep_out_of_order = keep;
    Pair pair(config_for(Side::host), device_config);
    pair.line.to_device = {0.01, 0.001, false, false};
    pair.line.to_host = {0.01, 0.001, false, false};
    Sink sink;
    const std::string bytes = pattern(128 * 1024, 5);
    transfer(pair, pair.host, pair.device, sink, bytes, 3000000);
    REQUIRE(sink.data == bytes);
    return static_cast<double>(pair.host.stats().frames_resent) /
           static_cast<double>(pair.host.stats().frames_sent);
  };
  const double selective = resent_per_frame(true);
  const double go_back_n = resent_per_frame(false);
  INFO("resent per frame sent: selective " << selective << ", go-back-N " << go_back_n);
  CHECK(selective * 4 < go_back_n);
}

TEST_CASE("every frame delivered twice still gives every message once") {
  Pair pair;
  pair.line.to_device.duplicate = true;
  pair.line.to_host.duplicate = true;
  Sink sink;
  const std::string bytes = pattern(200000, 5);
  transfer(pair, pair.host, pair.device, sink, bytes, 200000);
  REQUIRE(sink.data.size() == bytes.size());
  CHECK(sink.data == bytes);
}

TEST_CASE("calls and results keep their order and their req and sock") {
  Pair pair;
  pair.line.to_device = {0.005, 0.0005, false, false};
  pair.line.to_host = {0.005, 0.0005, false, false};
  for (std::uint16_t req = 1; req <= 100; ++req) {
    pair.host.send(ConnectCall{}, req, static_cast<std::uint8_t>(req % 100 + 1));
  }
  Sink sink;
  for (int step = 0; step < 200000 && sink.others.size() < 100; ++step) {
    pair.line.step();
    sink.drain(pair.device);
  }
  REQUIRE(sink.others.size() == 100);
  for (std::uint16_t req = 1; req <= 100; ++req) {
    const auto& event = sink.others[req - 1];
    CHECK(event.kind == LinkEndpoint::Event::Kind::message);
    CHECK(event.header.type == FrameType::connect);
    CHECK(event.header.req == req);
    CHECK(event.header.sock == req % 100 + 1);
  }
}

TEST_CASE("small sends queued for one socket leave in full frames with the newest limit") {
  // The silly window syndrome: a sender that gets credit back a frame at a
  // time on a slow line must not go on sending frames that small.
  Pair pair;
  const std::string bytes = pattern(2000, 13);
  for (std::size_t at = 0; at < bytes.size(); at += 20) {
    const auto limit = static_cast<std::uint32_t>(1000 + at);
    pair.host.send(Data{at % 40 == 0 ? std::optional(limit) : std::nullopt,
                        std::string_view(bytes).substr(at, 20)},
                   0, 1);
  }
  pair.host.send(Data{std::uint32_t{7}, "other socket"}, 0, 2);
  pair.host.send(Data{std::nullopt, "after it"}, 0, 1);
  std::vector<Data> received;
  std::vector<std::uint8_t> sockets;
  std::string stream;
  for (int step = 0; step < 100000 && stream.size() < bytes.size() + 8; ++step) {
    pair.line.step();
    LinkEndpoint::Event event;
    while (pair.device.next_event(event)) {
      if (event.kind != LinkEndpoint::Event::Kind::message) continue;
      const Data data = std::get<Data>(decode_message(event.header, event.payload));
      if (event.header.sock == 1) stream += data.bytes;
      received.push_back(Data{data.limit, {}});
      sockets.push_back(event.header.sock);
    }
  }
  REQUIRE(stream == bytes + "after it");
  // The first frame, cut at the slow start's 64 bytes, carries the newest
  // limit; the 100 sends of socket 1 left in far fewer frames.
  REQUIRE(received.size() >= 3);
  CHECK(received.front().limit == 1000u + 1960u);
  CHECK(pair.host.stats().frames_sent < 40);
  // Socket 2's message stays between socket 1's, with its own limit.
  const auto other = std::find(sockets.begin(), sockets.end(), 2);
  REQUIRE(other != sockets.end());
  CHECK(received[static_cast<std::size_t>(other - sockets.begin())].limit == 7u);
  CHECK(sockets.back() == 1);
  CHECK(pair.host.backlog_bytes() == 0);
}

TEST_CASE("a datagram larger than the peer's frames travels in fragments") {
  Pair pair(config_for(Side::host), config_for(Side::device, 1024));
  // The device's mtu of 1024 bounds what the host may send it.
  const std::string datagram = pattern(1400, 9);
  pair.host.send(Dgram{std::nullopt, usock::SockAddr{}, datagram}, 0, 4);
  Sink sink;
  for (int step = 0; step < 10000 && sink.others.empty(); ++step) {
    pair.line.step();
    sink.drain(pair.device);
  }
  REQUIRE(sink.others.size() == 1);
  const auto message = decode_message(sink.others[0].header, sink.others[0].payload);
  CHECK(std::get<Dgram>(message).bytes == datagram);
  CHECK(pair.host.stats().frames_sent > 1);
}

TEST_CASE("a peer that never answers gets the window then only retransmissions") {
  Pair pair;
  // One frame from the device grants the host its 16 KiB of credit.
  pair.device.send(Window{1000}, 0, 1);
  for (int step = 0; step < 10; ++step)
    pair.line.step();
  const Clock::time_point heard = pair.host.last_heard();
  pair.line.to_host.mute = true;
  const std::string bytes = pattern(100, 1);
  for (int call = 0; call < 100; ++call)
    pair.host.send(Data{std::nullopt, bytes}, 0, 1);
  for (int step = 0; step < 5000; ++step)
    pair.line.step();
  CHECK(pair.host.stats().frames_sent == 32);
  CHECK(pair.host.stats().timeouts > 2);
  CHECK(pair.host.stats().frames_resent >= 32);
  CHECK(pair.host.awaiting_peer());
  CHECK(pair.host.last_heard() == heard);
  CHECK(pair.host.rto() >= 2s);  // backed off to RTO_max
}

TEST_CASE("no more bytes go out than the peer's credit allows") {
  // The device grants 1024 bytes and never reads: its frames never come.
  Pair pair(config_for(Side::host), config_for(Side::device, kHostMtu, 1024));
  pair.line.to_host.mute = true;
  pair.line.to_device.mute = true;
  // 50-byte messages, one per socket so none are merged: three frames fit
  // the 224 bytes, a fourth does not.
  const std::string bytes = pattern(50, 2);
  for (std::uint8_t sock = 1; sock <= 20; ++sock)
    pair.host.send(Data{std::nullopt, bytes}, 0, sock);
  std::uint64_t paid = 0;
  for (int step = 0; step < 2000; ++step) {
    const std::string_view out = pair.host.output(pair.line.now);
    paid += out.size();
    pair.host.wrote(out.size(), pair.line.now);
    pair.line.now += 1ms;
    if (pair.host.next_timer() <= pair.line.now) pair.host.on_timer(pair.line.now);
  }
  // Before any frame of the device, the host allows itself 224 bytes, plus
  // at most one exempt ACK with POLL (18 wire bytes, with its 0x00) per RTO;
  // retransmissions wait for credit like the rest.
  CHECK(pair.host.stats().frames_sent == 3);
  CHECK(pair.host.stats().timeouts > 0);
  CHECK(paid == pair.host.stats().bytes_written);
  CHECK(paid <= 224 + 18 * 10);
}

namespace {

// Bytes the host writes while the device reads nothing and answers
// nothing: a call that stops the device's loop, then 3000 bytes of DATA.
std::uint64_t written_behind_call(bool blocking) {
  PeerLink device_link = peer_of(config_for(Side::device));
  device_link.rx_safe = 224;
  Pair pair;
  pair.host.start_session(device_link, pair.line.now);
  pair.device.send(Window{1000}, 0, 1);  // grants the host 16 KiB of credit
  for (int step = 0; step < 10; ++step)
    pair.line.step();
  pair.line.to_host.mute = true;
  pair.line.to_device.mute = true;
  const std::uint64_t before = pair.host.stats().bytes_written;
  const GetAddrInfoCall call{"example.com", 80, 0, 0, 0, 0};
  if (blocking) {
    pair.host.send_blocking(call, 7);
  } else {
    pair.host.send(call, 7);
  }
  pair.host.send(Data{std::nullopt, pattern(3000, 4)}, 0, 1);
  for (int step = 0; step < 50; ++step) {
    const std::string_view out = pair.host.output(pair.line.now);
    pair.host.wrote(out.size(), pair.line.now);
    pair.line.now += 1ms;
  }
  const std::uint64_t written = pair.host.stats().bytes_written - before;
  if (blocking) {
    // The answer lifts the cap at once.
    pair.host.answered(7);
    const std::string_view out = pair.host.output(pair.line.now);
    CHECK(out.size() > 2000);
  }
  return written;
}

}  // namespace

TEST_CASE("behind a call that stops the device no more than its rx_safe bytes follow") {
  // PROTOCOL.md 6.1: an ESP32 that blocks in DNS drains nothing from its
  // 260-byte UART ring; the call's own frame (about 40 bytes) plus 224.
  CHECK(written_behind_call(true) <= 40 + 224);
  CHECK(written_behind_call(false) > 1000);  // the slow start's 32 frames
}

TEST_CASE("console text between frames is reported and does not disturb the host") {
  Pair pair;
  pair.device.send(Data{std::nullopt, "before"}, 0, 1);
  for (int step = 0; step < 100; ++step)
    pair.line.step();
  pair.host.receive("\r\nMicroPython v1.23.0 on 2024-06-02; ESP32\r\n>>> ", pair.line.now);
  pair.device.send(Data{std::nullopt, "after"}, 0, 1);
  Sink sink;
  for (int step = 0; step < 2000; ++step) {
    pair.line.step();
    sink.drain(pair.host);
  }
  CHECK(sink.data == "beforeafter");
  std::vector<std::string> lines;
  for (const auto& event : sink.others) {
    if (event.kind == LinkEndpoint::Event::Kind::console) lines.push_back(event.text);
  }
  // The prompt has no line ending: it is reported after a silence.
  CHECK(lines == std::vector<std::string>{"MicroPython v1.23.0 on 2024-06-02; ESP32", ">>> "});
  CHECK(pair.host.stats().naks_sent == 0);
}

TEST_CASE("a frame the peer may not send is a protocol error") {
  Pair pair;
  // HELLO goes host to device only.
  pair.device.send(Hello{}, 0, 0);
  Sink sink;
  for (int step = 0; step < 100; ++step) {
    pair.line.step();
    sink.drain(pair.host);
  }
  REQUIRE(sink.others.size() == 1);
  CHECK(sink.others[0].kind == LinkEndpoint::Event::Kind::protocol_error);
  CHECK(sink.others[0].text == "unexpected HELLO frame");
}

TEST_CASE("a sequenced frame without a session is reported as out of session") {
  LinkEndpoint host(config_for(Side::host), kStart);
  LinkEndpoint device(config_for(Side::device), kStart);
  host.start_session(peer_of(config_for(Side::device)), kStart);
  SimulatedLine line(host, device);
  host.send(CloseCall{}, 7, 3);
  Sink sink;
  for (int step = 0; step < 100; ++step) {
    line.step();
    sink.drain(device);
  }
  REQUIRE_FALSE(sink.others.empty());
  CHECK(sink.others[0].kind == LinkEndpoint::Event::Kind::out_of_session);
  CHECK(sink.others[0].header.type == FrameType::close);
}

TEST_CASE("an idle host polls once a second and the answer ends the wait") {
  Pair pair;
  pair.host.set_heartbeat(1s);
  CHECK_FALSE(pair.host.awaiting_peer());
  const Clock::time_point start = pair.line.now;
  bool polled = false;
  for (int step = 0; step < 100 && !polled; ++step) {
    pair.line.step();
    polled = pair.host.awaiting_peer();
  }
  REQUIRE(polled);
  CHECK(pair.line.now - start >= 1s);
  for (int step = 0; step < 10; ++step)
    pair.line.step();
  CHECK_FALSE(pair.host.awaiting_peer());
  CHECK(pair.host.last_heard() > start);
}

namespace {

// Three frames lost, sent again by the timer, and the first of those
// damaged on the way: how many retransmissions the device's NAK brings.
std::uint64_t resent_after_lost_retransmission(const EndpointConfig& device_config) {
  Pair pair(config_for(Side::host), device_config);
  const std::string bytes = pattern(40, 5);
  // A first frame acknowledged 10 ms later: SRTT 10 ms, so SRTT/2 is 5 ms.
  pair.host.send(Data{std::nullopt, bytes}, 0, 1);
  Clock::time_point now = kStart;
  std::string out(pair.host.output(now));
  pair.host.wrote(out.size(), now);
  pair.device.receive(out, now);
  out = pair.device.output(now);
  pair.device.wrote(out.size(), now);
  now += 10ms;
  pair.host.receive(out, now);
  REQUIRE(pair.host.all_acknowledged());

  // Three sockets, so the three messages stay three frames.
  for (std::uint8_t sock = 2; sock <= 4; ++sock)
    pair.host.send(Data{std::nullopt, bytes}, 0, sock);
  out = pair.host.output(now);
  pair.host.wrote(out.size(), now);
  now = pair.host.next_timer();
  pair.host.on_timer(now);
  std::string resent(pair.host.output(now));
  pair.host.wrote(resent.size(), now);
  REQUIRE(pair.host.stats().frames_resent == 3);

  // The NAK is back 1 ms later, well within SRTT/2, and its credit shows the
  // device read the retransmissions.
  resent[4] = static_cast<char>(resent[4] ^ 0x40);
  pair.device.receive(resent, now);
  const std::string nak(pair.device.output(now));
  pair.device.wrote(nak.size(), now);
  REQUIRE(pair.device.stats().naks_sent == 1);
  now += 1ms;
  pair.host.receive(nak, now);
  pair.host.wrote(pair.host.output(now).size(), now);
  CHECK(pair.host.stats().naks_received == 1);
  return pair.host.stats().frames_resent;
}

}  // namespace

TEST_CASE("a NAK of a lost retransmission starts the next go-back at once") {
  EndpointConfig keeps_nothing = config_for(Side::device);
  keeps_nothing.keep_out_of_order = false;
  CHECK(resent_after_lost_retransmission(keeps_nothing) == 3 + 3);
}

TEST_CASE("a NAK of a lost retransmission from a peer that keeps frames brings only that frame") {
  CHECK(resent_after_lost_retransmission(config_for(Side::device)) == 3 + 1);
}
