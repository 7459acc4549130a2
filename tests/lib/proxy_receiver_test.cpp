// FrameReceiver (PROTOCOL.md 3.3, 3.4): frames out of a byte stream fed in
// pieces of any size, damage reported so the link can NAK, console text
// line by line, resynchronisation after noise, and bounded buffers.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "proxy_bytes.hpp"
#include "proxy_examples.hpp"
#include "usock/proxy/receiver.hpp"

using namespace usock::proxy;
using usock::test::from_hex;
using usock::test::kProtocolExamples;
using Kind = FrameReceiver::Event::Kind;
using Damage = FrameReceiver::Damage;

namespace {

// An event with its views copied, to outlive the receiver's next call.
struct Record {
  Kind kind;
  Header header;
  std::string payload;
  std::size_t size;
  Damage damage;
  std::string bytes;
};

Record record(const FrameReceiver::Event& event) {
  return {event.kind, event.frame.header, std::string(event.frame.payload),
          event.size, event.damage,       std::string(event.bytes)};
}

// Everything `stream` yields when fed in pieces of `step` bytes.
std::vector<Record> receive(FrameReceiver& receiver, std::string_view stream,
                            std::size_t step = 1 << 20) {
  std::vector<Record> records;
  while (!stream.empty()) {
    std::string_view piece = stream.substr(0, step);
    stream.remove_prefix(piece.size());
    for (auto event = receiver.next(piece); event.kind != Kind::none;
         event = receiver.next(piece)) {
      records.push_back(record(event));
    }
    CHECK(piece.empty());
  }
  return records;
}

std::vector<Record> receive(std::string_view stream, std::size_t step = 1 << 20) {
  FrameReceiver receiver;
  return receive(receiver, stream, step);
}

std::string frame(const Header& header, std::string_view payload) {
  std::string out;
  encode_frame(header, payload, out);
  return out;
}

Header data_header(std::uint8_t seq) {
  return Header{FrameType::data, 0, seq, 0xFF, 0x4000, 0, 0, 1};
}

}  // namespace

TEST_CASE("a frame comes out whole however the bytes are cut") {
  const auto& example = kProtocolExamples[1];  // HELLO
  const std::string wire = from_hex(example.wire_hex);
  for (std::size_t step = 1; step <= wire.size(); ++step) {
    INFO("pieces of " << step);
    const auto records = receive(wire, step);
    REQUIRE(records.size() == 1);
    CHECK(records[0].kind == Kind::frame);
    CHECK(records[0].header == example.header);
    CHECK(records[0].payload == from_hex(example.payload_hex));
    CHECK(records[0].size == wire.size());  // the anchor of PROTOCOL.md 6.1
  }
}

TEST_CASE("every frame of the document comes out in order with extra delimiters or not") {
  std::string stream;
  for (const auto& example : kProtocolExamples) {
    if (example.header.type == FrameType::hello) stream += '\0';
    stream += from_hex(example.wire_hex);
  }
  stream += std::string(5, '\0');
  for (const std::size_t step : {std::size_t{1}, std::size_t{7}, stream.size()}) {
    const auto records = receive(stream, step);
    REQUIRE(records.size() == std::size(kProtocolExamples));
    for (std::size_t i = 0; i < records.size(); ++i) {
      INFO(kProtocolExamples[i].name);
      CHECK(records[i].kind == Kind::frame);
      CHECK(records[i].header == kProtocolExamples[i].header);
    }
  }
}

TEST_CASE("a damaged frame is reported and the next one still arrives") {
  const std::string first = frame(data_header(0), "first frame");
  const std::string second = frame(data_header(1), "second frame");
  for (std::size_t i = 0; i + 1 < first.size(); ++i) {
    INFO("byte " << i << " damaged");
    std::string damaged = first;
    damaged[i] = static_cast<char>(damaged[i] == '\x55' ? '\x56' : '\x55');
    const auto records = receive(damaged + second);
    REQUIRE(records.size() == 2);
    CHECK(records[0].kind == Kind::damaged);
    CHECK(records[0].size == first.size() - 1);
    CHECK(records[0].bytes == damaged.substr(0, first.size() - 1));
    CHECK(records[1].kind == Kind::frame);
    CHECK(records[1].payload == "second frame");
  }
}

TEST_CASE("damage is told apart: COBS or short or CRC or too long") {
  CHECK(receive(from_hex("05 11 22 00"))[0].damage == Damage::cobs);
  CHECK(receive(from_hex("05 11 22 33 44 00"))[0].damage == Damage::too_short);
  std::string bad_crc = frame(data_header(0), "x");
  bad_crc[bad_crc.find('x')] = 'y';
  CHECK(receive(bad_crc)[0].damage == Damage::crc);
  std::string long_run(5000, '\x01');
  long_run += '\0';
  CHECK(receive(long_run)[0].damage == Damage::too_long);
}

TEST_CASE("bodies up to the mtu are frames and one byte more is too long") {
  const std::size_t mtu = 256;
  // Zeros in the payload keep the encoding short, so the decoded size is
  // what decides, not the raw buffer.
  const std::string fits(mtu - kMinBodySize, '\0');
  const std::string over(mtu - kMinBodySize + 1, '\0');
  FrameReceiver receiver(mtu);
  auto records = receive(receiver, frame(data_header(0), fits));
  REQUIRE(records.size() == 1);
  CHECK(records[0].kind == Kind::frame);
  records = receive(receiver, frame(data_header(1), over));
  REQUIRE(records.size() == 1);
  CHECK(records[0].damage == Damage::too_long);
  // Without zeros the run itself outgrows the buffer.
  records = receive(receiver, frame(data_header(2), std::string(mtu, '\x42')));
  REQUIRE(records.size() == 1);
  CHECK(records[0].damage == Damage::too_long);
  records = receive(receiver, frame(data_header(3), std::string(mtu - kMinBodySize, '\x42')));
  REQUIRE(records.size() == 1);
  CHECK(records[0].kind == Kind::frame);
}

TEST_CASE("a run with no delimiter is held within the buffer and dropped as one") {
  const std::size_t mtu = 1024;
  FrameReceiver receiver(mtu);
  std::mt19937 random(3);
  std::string noise(1 << 20, '\0');
  for (auto& c : noise)
    c = static_cast<char>(random() % 255 + 1);
  for (auto& c : noise)
    if (c == '\n') c = '\x02';  // no line ending either: nothing to report until the end
  CHECK(receive(receiver, noise, 4096).empty());
  CHECK(receiver.in_candidate());
  const auto records = receive(receiver, std::string(1, '\0') + frame(data_header(0), "after"));
  REQUIRE(records.size() == 2);
  CHECK(records[0].kind == Kind::damaged);
  CHECK(records[0].damage == Damage::too_long);
  CHECK(records[0].size == noise.size());
  CHECK(records[0].bytes.size() <= cobs_max_size(mtu));
  CHECK(records[1].kind == Kind::frame);
  CHECK(records[1].payload == "after");
  CHECK_FALSE(receiver.in_candidate());
}

TEST_CASE("empty runs are ignored") {
  CHECK(receive(std::string(100, '\0')).empty());
  FrameReceiver receiver;
  CHECK_FALSE(receiver.in_candidate());
  std::string_view nothing;
  CHECK(receiver.next(nothing).kind == Kind::none);
  CHECK(receiver.flush().kind == Kind::none);
}

TEST_CASE("console text between frames comes out line by line and is not damage") {
  const std::string banner =
      "ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n"
      "\x1b[0;32mI (29) boot: ESP-IDF v5.0.4\x1b[0m\r\n"
      "MicroPython v1.23.0 on 2024-06-02; Generic ESP32 module with ESP32\r\n"
      "Type \"help()\" for more information.\r\n>>> ";
  const std::string stream = frame(data_header(0), "before") + banner + '\0' +
                             frame(data_header(1), "after") + "MPY: soft reboot\n";
  for (const std::size_t step : {std::size_t{1}, std::size_t{13}, stream.size()}) {
    FrameReceiver receiver;
    auto records = receive(receiver, stream, step);
    // The last line has no delimiter after it: a silence lets it out.
    for (auto event = receiver.flush(); event.kind != Kind::none; event = receiver.flush()) {
      records.push_back(record(event));
    }
    std::vector<std::string> lines;
    std::vector<std::string> payloads;
    for (const auto& record : records) {
      CHECK(record.kind != Kind::damaged);
      if (record.kind == Kind::console) lines.push_back(record.bytes);
      if (record.kind == Kind::frame) payloads.push_back(record.payload);
    }
    CHECK(payloads == std::vector<std::string>{"before", "after"});
    CHECK(lines == std::vector<std::string>{
                       "ets Jul 29 2019 12:21:46",
                       "rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)",
                       "\x1b[0;32mI (29) boot: ESP-IDF v5.0.4\x1b[0m",
                       "MicroPython v1.23.0 on 2024-06-02; Generic ESP32 module with ESP32",
                       "Type \"help()\" for more information.",
                       ">>> ",
                       "MPY: soft reboot",
                   });
  }
}

TEST_CASE("lines wait for their candidate to end and text inside a valid frame is data") {
  FrameReceiver receiver;
  std::string_view in = "raw REPL; CTRL-B to exit\r\n>";
  CHECK(receiver.next(in).kind == Kind::none);
  CHECK(in.empty());
  // No delimiter follows (the board sits at its prompt): a silence lets the
  // line out, then the prompt, which has no line ending.
  const auto line = receiver.flush();
  CHECK(line.kind == Kind::console);
  CHECK(line.bytes == "raw REPL; CTRL-B to exit");
  const auto prompt = receiver.flush();
  CHECK(prompt.kind == Kind::console);
  CHECK(prompt.bytes == ">");
  CHECK(receiver.flush().kind == Kind::none);

  // An HTTP head inside a DATA frame reads as text until the frame ends valid.
  // (The 0x00 first ends the prompt's run, as a sender's extra 0x00 would.)
  const std::string stream = '\0' + frame(data_header(0), "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n");
  const auto records = receive(receiver, stream);
  REQUIRE(records.size() == 1);
  CHECK(records[0].kind == Kind::frame);
}

TEST_CASE("text that goes on without a delimiter is reported and never held whole") {
  FrameReceiver receiver(256);
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "line " + std::to_string(i) + " of a long boot log\r\n";
  const auto records = receive(receiver, text + '\0', 100);
  REQUIRE(records.size() == 2000);
  CHECK(records.front().bytes == "line 0 of a long boot log");
  CHECK(records.back().bytes == "line 1999 of a long boot log");
  for (const auto& record : records)
    CHECK(record.kind == Kind::console);
}

TEST_CASE("binary junk is damage and text lines around it are still reported") {
  const std::string stream = std::string("Traceback (most recent call last):\n") +
                             "\x91\x02\x7f garbage \x03\n" + ">>> " + '\0';
  const auto records = receive(stream);
  REQUIRE(records.size() == 3);
  CHECK(records[0].kind == Kind::console);
  CHECK(records[0].bytes == "Traceback (most recent call last):");
  CHECK(records[1].kind == Kind::console);
  CHECK(records[1].bytes == ">>> ");
  CHECK(records[2].kind == Kind::damaged);
  CHECK(records[2].size == stream.size() - 1);
}

TEST_CASE("text with too many control bytes or bad UTF-8 is not console text") {
  CHECK(receive(std::string("\x04\x04>") + '\0')[0].kind == Kind::damaged);
  CHECK(receive(std::string("caf\xc3\xa9\r\n") + '\0')[0].kind == Kind::console);
  CHECK(receive(std::string("caf\xc3\r\n") + '\0')[0].kind == Kind::damaged);
  CHECK(receive(std::string("bell\a\r\n") + '\0')[0].kind == Kind::damaged);
}

TEST_CASE("a frame whose first byte reads as a line ending is still a frame") {
  // flags, seq, ack, credit, woff and the low byte of req non-zero and the
  // high byte of req zero: the first COBS code byte is 0x0A, '\n'.
  const Header header{FrameType::data, 0x08, 0x41, 0x42, 0x4343, 0x4444, 0x0045, 1};
  const std::string wire = frame(header, "GET / HTTP/1.0\r\n\r\n");
  REQUIRE(wire[0] == '\n');
  std::vector<Record> frames;
  for (const auto& record : receive(wire, 1)) {
    if (record.kind == Kind::frame) frames.push_back(record);
    CHECK(record.kind != Kind::damaged);
  }
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].header == header);
}

TEST_CASE("under noise every intact frame is recovered and no damaged one passes") {
  std::mt19937 random(4);
  const std::size_t mtu = 1024;
  const char* const console[] = {"MPY: soft reboot\r\n", ">>> ", "I (1234) wifi: connected\r\n",
                                 "Traceback (most recent call last):\r\n"};
  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    std::string stream;
    std::vector<std::string> intact;  // payloads of the frames that must come out
    std::vector<std::string> lines;   // console lines that must come out
    for (std::uint8_t seq = 0; seq < 200; ++seq) {
      std::string payload(random() % (mtu - kMinBodySize) + 1, '\0');
      for (auto& c : payload)
        c = static_cast<char>(random() % 8 == 0 ? 0 : random());
      const std::string wire = frame(data_header(seq), payload);
      std::string sent = wire;
      switch (random() % 8) {
        case 0:  // a byte changed
          sent[random() % sent.size()] ^= static_cast<char>(random() % 255 + 1);
          break;
        case 1:  // a byte dropped
          sent.erase(random() % sent.size(), 1);
          break;
        case 2:  // a byte inserted
          sent.insert(random() % sent.size(), 1, static_cast<char>(random()));
          break;
        case 3: {  // console text first, then the T_gap delimiter
          const std::string text = console[random() % std::size(console)];
          if (stream.empty() || stream.back() == '\0')
            lines.push_back(text.substr(0, text.find('\r')));
          stream += text;
          stream += '\0';
          break;
        }
        case 4: {  // binary junk first, then a delimiter
          std::string junk(random() % 3000 + 1, '\0');
          for (auto& c : junk)
            c = static_cast<char>(random() % 255 + 1);
          stream += junk;
          stream += '\0';
          break;
        }
        default:
          break;
      }
      // A frame is whole when its bytes arrive unchanged right after a
      // delimiter (an inserted 0x00 can leave it whole too).
      const std::size_t at = sent.find(wire);
      const bool delimited = at == std::string::npos ? false
                             : at > 0                ? sent[at - 1] == '\0'
                                                     : stream.empty() || stream.back() == '\0';
      stream += sent;
      if (delimited) intact.push_back(payload);
    }
    stream += '\0';

    FrameReceiver receiver(mtu);
    std::vector<std::string> payloads;
    std::vector<std::string> seen_lines;
    for (const auto& record : receive(receiver, stream, random() % 2000 + 1)) {
      if (record.kind == Kind::frame) payloads.push_back(record.payload);
      if (record.kind == Kind::console) seen_lines.push_back(record.bytes);
    }
    CHECK(payloads == intact);
    for (const auto& line : lines) {
      INFO(line);
      CHECK(std::find(seen_lines.begin(), seen_lines.end(), line) != seen_lines.end());
    }
  }
}
