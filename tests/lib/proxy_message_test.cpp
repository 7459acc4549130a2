// Messages (PROTOCOL.md 7, 8): the payloads of the worked examples, a round
// trip of every type, and every class of malformed input refused with an
// error that names the message and the field.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "proxy_bytes.hpp"
#include "proxy_examples.hpp"
#include "usock/error.hpp"
#include "usock/proxy/errors.hpp"
#include "usock/proxy/message.hpp"
#include "usock/proxy/wire.hpp"

using namespace usock::proxy;
using usock::Family;
using usock::SockAddr;
using usock::test::from_hex;
using usock::test::kProtocolExamples;
using usock::test::ProtocolExample;

namespace {

const SockAddr kExampleCom = SockAddr::ipv4({93, 184, 215, 14}, 80);
const SockAddr kScoped =
    SockAddr::ipv6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 8080, 0x12345, 3);

const ProtocolExample& example(std::string_view type_name) {
  for (const auto& example : kProtocolExamples) {
    if (example.name.substr(0, example.name.find(' ')) == type_name) return example;
  }
  throw std::logic_error("no such example");
}

template <typename T>
T decode_example(std::string_view type_name) {
  const auto& found = example(type_name);
  const std::string payload = from_hex(found.payload_hex);
  // The views point into `payload`: check what is needed before it goes.
  const Message message = decode_message(found.header, payload);
  REQUIRE(std::holds_alternative<T>(message));
  std::string again;
  CHECK(encode_payload(message, again) == (found.header.flags & frame_flag::wnd));
  CHECK(again == payload);
  return std::get<T>(message);
}

// A message as it travels: the header it implies and its payload.
struct Encoded {
  Header header;
  std::string payload;
};

Encoded encode(const Message& message, std::uint16_t req = 0, std::uint8_t sock = 0) {
  Encoded encoded;
  encoded.header.type = message_type(message);
  encoded.header.req = req;
  encoded.header.sock = sock;
  encoded.header.flags = encode_payload(message, encoded.payload);
  return encoded;
}

// The error decode_message raises, or "" when it accepts the payload.
std::string refusal(const Header& header, std::string_view payload) {
  try {
    decode_message(header, payload);
  } catch (const MalformedMessage& error) {
    return error.what();
  }
  return "";
}

std::string refusal(const Encoded& encoded) {
  return refusal(encoded.header, encoded.payload);
}

// How a type's payload may end: exactly where its fields do, with fields
// a later version appends, or with bytes that run to the end.
enum class Ending { exact, extensible, open };

struct Sample {
  Message message;
  std::uint16_t req;
  std::uint8_t sock;
  Ending ending;
};

std::vector<Sample> samples() {
  Hello hello;
  hello.nonce = 0x5EED1234;
  hello.rx_win = 16384;
  hello.mtu = 4096;
  hello.txw = 32;
  hello.sockwin = 65536;
  hello.acceptwin = 4;
  hello.flags = hello_flag::send_log;
  hello.name = "usock/0.4 uhttpget";

  HelloAck ack;
  ack.version = 1;
  ack.nonce = 0x5EED1234;
  ack.boot_id = 0xA1B2C3D4;
  ack.rx_win = 2048;
  ack.rx_safe = 224;
  ack.mtu = 1024;
  ack.txw = 4;
  ack.max_sockets = 8;
  ack.sock_buf = 2048;
  ack.max_msg = 1500;
  ack.max_block_ms = 15000;
  ack.caps = cap::inet6 | cap::udp | cap::async_dns;
  ack.baud = 115200;
  ack.mem_free = 61440;
  ack.mem_alloc = 20480;
  ack.platform = "esp32";
  ack.impl = "micropython 1.23.0";
  ack.machine = "Generic ESP32 module with ESP32";
  ack.agent = "usock-agent 1";

  GetAddrInfoCall lookup;
  lookup.host = "example.com";
  lookup.port = 80;
  lookup.socktype = 1;
  lookup.flags = 0x02;
  GetAddrInfoCall passive;
  passive.port = 0;
  passive.family = 10;
  passive.flags = 0x01;

  return {
      {hello, 0, 0, Ending::extensible},
      {ack, 0, 0, Ending::extensible},
      {Announce{1, 2, 0xDEADBEEF}, 0, 0, Ending::extensible},
      {Ack{}, 0, 0, Ending::exact},
      {Nak{NakReason::gap, std::nullopt}, 0, 0, Ending::exact},
      {Reset{ResetReason::no_session, 0xA1B2C3D4, "no session"}, 0, 0, Ending::exact},
      {Bye{true}, 0, 0, Ending::exact},
      {Bye{false}, 0, 0, Ending::exact},
      {ByeAck{}, 0, 0, Ending::exact},
      {Log{LogLevel::warning, "wifi: reconnecting \xe2\x80\xa6"}, 0, 0, Ending::open},
      {lookup, 1, 0, Ending::exact},
      {passive, 2, 0, Ending::exact},
      {GetAddrInfoCall{}, 3, 0, Ending::exact},
      {GetNameInfoCall{0x01, kScoped}, 4, 0, Ending::exact},
      {SocketCall{2, 1, 0}, 5, 1, Ending::exact},
      {SetSockOptCall{4095, 4, std::string_view("\x01\x00\x00\x00", 4)}, 6, 1, Ending::exact},
      {GetSockOptCall{6, 1, 4}, 7, 1, Ending::exact},
      {BindCall{SockAddr::ipv4({0, 0, 0, 0}, 0)}, 8, 1, Ending::exact},
      {ListenCall{5}, 9, 1, Ending::exact},
      {ConnectCall{kExampleCom}, 10, 1, Ending::exact},
      {ConnectCall{kScoped}, 11, 2, Ending::exact},
      {ShutdownCall{ShutdownHow::write}, 12, 1, Ending::exact},
      {CloseCall{}, 13, 1, Ending::exact},
      {GetSockNameCall{}, 14, 127, Ending::exact},
      {GetPeerNameCall{}, 15, 200, Ending::exact},
      {PollCall{{{1, 1}, {2, 5}, {254, 4}}}, 16, 0, Ending::exact},
      {PollCall{}, 17, 0, Ending::exact},
      {CancelCall{}, 10, 1, Ending::exact},
      {CancelCall{}, 1, 0, Ending::exact},
      {Data{std::nullopt, "GET / HTTP/1.0\r\n\r\n"}, 0, 1, Ending::open},
      {Data{131072, std::string_view("\0\x01\x02", 3)}, 0, 254, Ending::open},
      {Dgram{std::nullopt, kExampleCom, "ping"}, 0, 3, Ending::open},
      {Dgram{7, SockAddr{}, ""}, 0, 3, Ending::open},
      {Window{131072}, 0, 1, Ending::exact},
      {Result{0, 0, "", std::string_view("\x02\x5d\xb8\xd7\x0e\x50\x00", 7)}, 10, 1, Ending::open},
      {Result{111, 111, "[Errno 111] ECONNREFUSED", ""}, 10, 1, Ending::exact},
      {Result{-4, -202, "-202", ""}, 1, 0, Ending::exact},
      {Accepted{128, kExampleCom, SockAddr::ipv4({192, 168, 4, 1}, 80)}, 0, 1, Ending::exact},
      {Accepted{254, kScoped, SockAddr{}}, 0, 1, Ending::exact},
      {Eof{}, 0, 1, Ending::exact},
      {SockErr{103, 113, "[Errno 113] ECONNABORTED"}, 0, 1, Ending::exact},
  };
}

}  // namespace

TEST_CASE("the examples' payloads decode to the values the text gives") {
  const auto announce = decode_example<Announce>("ANNOUNCE");
  CHECK(announce.vmin == 1);
  CHECK(announce.vmax == 1);
  CHECK(announce.boot_id == 0xA1B2C3D4);

  const auto hello = decode_example<Hello>("HELLO");
  CHECK(hello.vmin == 1);
  CHECK(hello.vmax == 1);
  CHECK(hello.nonce == 0x5EED1234);
  CHECK(hello.rx_win == 16384);
  CHECK(hello.mtu == 4096);
  CHECK(hello.txw == 32);
  CHECK(hello.sockwin == 65536);
  CHECK(hello.acceptwin == 4);
  CHECK(hello.flags == hello_flag::send_log);

  const auto ack = decode_example<HelloAck>("HELLO_ACK");
  CHECK(ack.version == 1);
  CHECK(ack.nonce == 0x5EED1234);
  CHECK(ack.boot_id == 0xA1B2C3D4);
  CHECK(ack.rx_win == 2048);
  CHECK(ack.rx_safe == 224);
  CHECK(ack.mtu == 1024);
  CHECK(ack.txw == 4);
  CHECK(ack.max_sockets == 8);
  CHECK(ack.sock_buf == 2048);
  CHECK(ack.max_msg == 1500);
  CHECK(ack.max_block_ms == 15000);
  CHECK(ack.caps == 0x27E);
  CHECK(ack.caps == (cap::udp | cap::listen | cap::getsockname | cap::getpeername | cap::shutdown |
                     cap::getsockopt | cap::nonblock_connect));
  CHECK(ack.baud == 115200);
  CHECK(ack.mem_free == 61440);
  CHECK(ack.mem_alloc == 20480);

  const auto lookup = decode_example<GetAddrInfoCall>("GETADDRINFO");
  CHECK(lookup.port == 80);
  CHECK(lookup.family == 0);
  CHECK(lookup.socktype == 1);
  CHECK(lookup.proto == 0);
  CHECK(lookup.flags == 0);

  CHECK(decode_example<Result>("RESULT").code == 0);

  const auto socket = decode_example<SocketCall>("SOCKET");
  CHECK(socket.family == static_cast<int>(Family::inet));
  CHECK(socket.socktype == 1);
  CHECK(socket.proto == 0);

  CHECK(decode_example<ConnectCall>("CONNECT").addr == kExampleCom);

  const auto data = decode_example<Data>("DATA");
  CHECK_FALSE(data.limit);

  decode_example<Ack>("ACK+POLL");
  CHECK(decode_example<Nak>("NAK").reason == NakReason::damaged);
  CHECK(decode_example<Window>("WINDOW").limit == 131072);

  const auto error = decode_example<SockErr>("SOCKERR");
  CHECK(error.code == 103);
  CHECK(error.native == 113);
}

TEST_CASE("the RESULT of 8.6 holds one address for example.com") {
  const auto& found = example("RESULT");
  const std::string payload = from_hex(found.payload_hex);
  const auto result = std::get<Result>(decode_message(found.header, payload));
  const auto body = decode_result_body(FrameType::getaddrinfo, result.body);
  REQUIRE(std::holds_alternative<AddrInfoResult>(body));
  const auto& entries = std::get<AddrInfoResult>(body).entries;
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].socktype == 1);
  CHECK(entries[0].proto == 6);
  CHECK(entries[0].canonname.empty());
  CHECK(entries[0].addr == kExampleCom);
}

TEST_CASE("the strings of the examples are the text's") {
  const auto& hello = example("HELLO");
  const std::string payload = from_hex(hello.payload_hex);
  CHECK(std::get<Hello>(decode_message(hello.header, payload)).name == "usock/0.4 uhttpget");

  const auto& ack = example("HELLO_ACK");
  const std::string ack_payload = from_hex(ack.payload_hex);
  const auto decoded = std::get<HelloAck>(decode_message(ack.header, ack_payload));
  CHECK(decoded.platform == "esp32");
  CHECK(decoded.impl == "micropython 1.23.0");
  CHECK(decoded.machine == "Generic ESP32 module with ESP32");
  CHECK(decoded.agent == "usock-agent 1");

  const auto& lookup = example("GETADDRINFO");
  const std::string lookup_payload = from_hex(lookup.payload_hex);
  CHECK(std::get<GetAddrInfoCall>(decode_message(lookup.header, lookup_payload)).host ==
        "example.com");

  const auto& data = example("DATA");
  const std::string data_payload = from_hex(data.payload_hex);
  CHECK(std::get<Data>(decode_message(data.header, data_payload)).bytes ==
        "GET / HTTP/1.0\r\n\r\n");

  const auto& error = example("SOCKERR");
  const std::string error_payload = from_hex(error.payload_hex);
  CHECK(std::get<SockErr>(decode_message(error.header, error_payload)).text ==
        "[Errno 113] ECONNABORTED");
}

TEST_CASE("every message type survives a round trip") {
  const auto all = samples();
  std::vector<bool> seen(256);
  for (const auto& sample : all) {
    const Encoded encoded = encode(sample.message, sample.req, sample.sock);
    INFO(frame_type_name(encoded.header.type) << " " << encoded.payload.size() << " bytes");
    seen[static_cast<std::uint8_t>(encoded.header.type)] = true;
    const Message decoded = decode_message(encoded.header, encoded.payload);
    CHECK(decoded.index() == sample.message.index());
    std::string again;
    CHECK(encode_payload(decoded, again) == encoded.header.flags);
    CHECK(again == encoded.payload);
  }
  for (int type = 0; type < 256; ++type) {
    INFO("type " << type);
    CHECK(seen[type] == is_known(static_cast<FrameType>(type)));
  }
}

TEST_CASE("fields of a round trip keep their values") {
  GetAddrInfoCall named;
  named.host = "example.com";
  named.port = 80;
  named.flags = 0x02;
  const Encoded lookup = encode(named, 1);
  const auto call = std::get<GetAddrInfoCall>(decode_message(lookup.header, lookup.payload));
  CHECK(call.host == "example.com");
  CHECK(call.port == 80);
  CHECK(call.flags == 0x02);

  GetAddrInfoCall any;
  any.port = 0;
  any.family = 10;
  const Encoded passive = encode(any, 2);
  const auto open = std::get<GetAddrInfoCall>(decode_message(passive.header, passive.payload));
  CHECK_FALSE(open.host);
  CHECK(open.port == 0);
  CHECK(open.family == 10);

  const Encoded none = encode(GetAddrInfoCall{}, 3);
  CHECK(none.payload == from_hex("00 00 00 00 00 00 00 00"));

  const Encoded scoped = encode(ConnectCall{kScoped}, 11, 2);
  CHECK(scoped.payload.size() == 27);
  CHECK(std::get<ConnectCall>(decode_message(scoped.header, scoped.payload)).addr == kScoped);

  const Encoded windowed = encode(Data{131072, "x"}, 0, 1);
  CHECK(windowed.header.flags == frame_flag::wnd);
  CHECK(windowed.payload == from_hex("00 00 02 00 78"));
  const auto data = std::get<Data>(decode_message(windowed.header, windowed.payload));
  CHECK(data.limit == 131072u);
  CHECK(data.bytes == "x");

  const Encoded datagram = encode(Dgram{7, SockAddr{}, ""}, 0, 3);
  CHECK(datagram.payload == from_hex("07 00 00 00 00"));

  const Encoded failure = encode(Result{-4, -202, "-202", ""}, 1);
  CHECK(failure.payload == from_hex("FC FF 36 FF FF FF 04 2D 32 30 32"));
  const auto result = std::get<Result>(decode_message(failure.header, failure.payload));
  CHECK(result.code == -4);
  CHECK(result.native == -202);
  CHECK(result.text == "-202");

  const Encoded accepted =
      encode(Accepted{128, kExampleCom, SockAddr::ipv4({192, 168, 4, 1}, 80)}, 0, 1);
  const auto connection = std::get<Accepted>(decode_message(accepted.header, accepted.payload));
  CHECK(connection.sock == 128);
  CHECK(connection.peer == kExampleCom);
  CHECK(connection.local == SockAddr::ipv4({192, 168, 4, 1}, 80));
}

TEST_CASE("a NAK carries the bitmap of held frames whole or not at all") {
  const Encoded encoded = encode(Nak{NakReason::gap, 0x8000000000000005});
  REQUIRE(encoded.payload.size() == 9);
  const auto nak = std::get<Nak>(decode_message(encoded.header, encoded.payload));
  CHECK(nak.reason == NakReason::gap);
  CHECK(nak.held == 0x8000000000000005);
  CHECK_FALSE(std::get<Nak>(decode_message(encoded.header, encoded.payload.substr(0, 1))).held);
  for (std::size_t size = 2; size < encoded.payload.size(); ++size) {
    INFO("cut to " << size);
    CHECK_THAT(refusal(encoded.header, encoded.payload.substr(0, size)),
               Catch::Contains("bytes left over"));
  }
  CHECK_THAT(refusal(encoded.header, encoded.payload + '\x01'), Catch::Contains("bytes left over"));
}

TEST_CASE("every cut of a payload is refused where its fields are not all there") {
  for (const auto& sample : samples()) {
    const Encoded encoded = encode(sample.message, sample.req, sample.sock);
    INFO(frame_type_name(encoded.header.type) << ": " << encoded.payload.size() << " bytes");
    if (sample.ending != Ending::open) {
      for (std::size_t size = 0; size < encoded.payload.size(); ++size) {
        INFO("cut to " << size);
        CHECK_FALSE(refusal(encoded.header, encoded.payload.substr(0, size)).empty());
      }
    }
    const std::string longer = encoded.payload + '\x01';
    if (sample.ending == Ending::exact) {
      CHECK_THAT(refusal(encoded.header, longer), Catch::Contains("1 bytes left over"));
    } else {
      CHECK(refusal(encoded.header, longer).empty());
    }
  }
}

TEST_CASE("errors name the message and the field") {
  Header header;
  header.type = FrameType::result;
  header.req = 1;
  CHECK(refusal(header, from_hex("01 00 01 00 00 00 05 61")) == "RESULT: text: 4 bytes missing");
  header.type = FrameType::window;
  header.req = 0;
  header.sock = 1;
  CHECK(refusal(header, from_hex("01 02")) == "WINDOW: limit: 2 bytes missing");
}

TEST_CASE("unknown types are refused") {
  for (const int type : {0x00, 0x07, 0x0B, 0x1E, 0x23, 0x34, 0xFF}) {
    Header header;
    header.type = static_cast<FrameType>(type);
    CHECK_THAT(refusal(header, ""), Catch::EndsWith("unknown type"));
  }
}

TEST_CASE("req and sock follow the table of 4.3") {
  // Calls, RESULT and CANCEL need a request id; nothing else may carry one.
  CHECK_THAT(refusal(encode(SocketCall{2, 1, 0}, 0, 1)), Catch::EndsWith("req 0"));
  CHECK_THAT(refusal(encode(Result{}, 0, 1)), Catch::EndsWith("req 0"));
  CHECK_THAT(refusal(encode(CancelCall{}, 0, 1)), Catch::EndsWith("req 0"));
  CHECK_THAT(refusal(encode(Eof{}, 7, 1)), Catch::EndsWith("req not 0"));
  CHECK_THAT(refusal(encode(Ack{}, 1, 0)), Catch::EndsWith("req not 0"));
  // The host chooses 1-127 for SOCKET; 128-254 are the device's.
  CHECK(refusal(encode(SocketCall{2, 1, 0}, 1, 127)).empty());
  CHECK_THAT(refusal(encode(SocketCall{2, 1, 0}, 1, 0)), Catch::EndsWith("sock not 1-127"));
  CHECK_THAT(refusal(encode(SocketCall{2, 1, 0}, 1, 128)), Catch::EndsWith("sock not 1-127"));
  // Socket calls and events need a socket; 255 is reserved everywhere.
  CHECK_THAT(refusal(encode(CloseCall{}, 1, 0)), Catch::EndsWith("sock not 1-254"));
  CHECK_THAT(refusal(encode(Window{1}, 0, 255)), Catch::EndsWith("sock not 1-254"));
  CHECK_THAT(refusal(encode(Result{}, 1, 255)), Catch::EndsWith("sock 255"));
  CHECK(refusal(encode(Result{}, 1, 0)).empty());
  // Link frames and socket-less calls carry none.
  CHECK_THAT(refusal(encode(Ack{}, 0, 1)), Catch::EndsWith("sock not 0"));
  CHECK_THAT(refusal(encode(GetAddrInfoCall{}, 1, 1)), Catch::EndsWith("sock not 0"));
  CHECK_THAT(refusal(encode(PollCall{}, 1, 1)), Catch::EndsWith("sock not 0"));
}

TEST_CASE("flags that do not belong to the type are refused") {
  Encoded ack = encode(Ack{});
  ack.header.flags = frame_flag::poll;
  CHECK(refusal(ack).empty());
  ack.header.flags = frame_flag::final | frame_flag::retx | 0xE0;  // reserved bits are ignored
  CHECK(refusal(ack).empty());

  Encoded nak = encode(Nak{});
  nak.header.flags = frame_flag::poll;
  CHECK_THAT(refusal(nak), Catch::EndsWith("POLL or FINAL on a frame other than ACK"));
  Encoded window = encode(Window{1}, 0, 1);
  window.header.flags = frame_flag::wnd;
  CHECK_THAT(refusal(window), Catch::EndsWith("WND on a frame other than DATA or DGRAM"));
  Encoded reset = encode(Reset{});
  reset.header.flags = frame_flag::more;
  CHECK_THAT(refusal(reset), Catch::EndsWith("MORE on an unsequenced frame"));
}

TEST_CASE("a WND flag without its limit or data without bytes is refused") {
  Encoded data = encode(Data{std::nullopt, "abc"}, 0, 1);
  data.header.flags = frame_flag::wnd;
  CHECK_THAT(refusal(data), Catch::EndsWith("limit: 1 bytes missing"));
  CHECK_THAT(refusal(encode(Data{std::nullopt, ""}, 0, 1)), Catch::EndsWith("no data"));
  CHECK_THAT(refusal(encode(Data{5, ""}, 0, 1)), Catch::EndsWith("no data"));
}

TEST_CASE("handshake fields out of range are refused") {
  const auto& hello = example("HELLO");
  const std::string good = from_hex(hello.payload_hex);
  const auto with = [&](std::size_t at, std::string_view bytes) {
    std::string payload = good;
    payload.replace(at, bytes.size(), bytes);
    return refusal(hello.header, payload);
  };
  CHECK(with(0, "uSoK").empty());
  CHECK_THAT(with(0, "USOK"), Catch::EndsWith("bad magic"));
  CHECK_THAT(with(4, from_hex("00")), Catch::EndsWith("bad version range"));  // vmin 0
  CHECK_THAT(with(4, from_hex("02 01")), Catch::EndsWith("bad version range"));
  CHECK(with(4, from_hex("01 07")).empty());  // a newer host's range
  CHECK(with(10, from_hex("00 40")).empty());
  CHECK_THAT(with(10, from_hex("01 40")), Catch::EndsWith("rx_win above 16384"));
  CHECK(with(12, from_hex("00 01")).empty());  // mtu 256
  CHECK_THAT(with(12, from_hex("FF 00")), Catch::EndsWith("mtu below 256"));
  CHECK_THAT(with(14, from_hex("00")), Catch::EndsWith("txw not 1-64"));
  CHECK(with(14, from_hex("40")).empty());
  CHECK_THAT(with(14, from_hex("41")), Catch::EndsWith("txw not 1-64"));
  CHECK(with(20, from_hex("FF FF")).empty());  // unknown flags are a later version's
  CHECK_THAT(with(23, "\xff"), Catch::EndsWith("name: not UTF-8"));

  const auto& ack = example("HELLO_ACK");
  const std::string ack_good = from_hex(ack.payload_hex);
  const auto ack_with = [&](std::size_t at, std::string_view bytes) {
    std::string payload = ack_good;
    payload.replace(at, bytes.size(), bytes);
    return refusal(ack.header, payload);
  };
  CHECK_THAT(ack_with(4, from_hex("02")), Catch::EndsWith("version outside vmin-vmax"));
  CHECK_THAT(ack_with(17, from_hex("01 40")), Catch::EndsWith("rx_safe above 16384"));
  CHECK(ack_with(31, from_hex("FF FF FF FF")).empty());  // unknown caps are kept
  // With no common version only the range has to be there.
  CHECK(refusal(ack.header, from_hex("75 53 6F 4B 00 02 03")).empty());
  CHECK(refusal(ack.header, from_hex("75 53 6F 4B 00 02 03 FF FF")).empty());
  CHECK_FALSE(refusal(ack.header, from_hex("75 53 6F 4B 00 02")).empty());
}

TEST_CASE("enumerations out of range are refused") {
  CHECK_THAT(refusal(encode(Nak{static_cast<NakReason>(0), std::nullopt})),
             Catch::EndsWith("unknown reason"));
  CHECK_THAT(refusal(encode(Nak{static_cast<NakReason>(4), std::nullopt})),
             Catch::EndsWith("unknown reason"));
  CHECK(refusal(encode(Reset{static_cast<ResetReason>(7), 0, ""})).empty());
  CHECK_THAT(refusal(encode(Reset{static_cast<ResetReason>(8), 0, ""})),
             Catch::EndsWith("unknown reason"));
  CHECK_THAT(refusal(encode(Log{static_cast<LogLevel>(5), ""})), Catch::EndsWith("unknown level"));
  CHECK_THAT(refusal(encode(ShutdownCall{static_cast<ShutdownHow>(3)}, 1, 1)),
             Catch::EndsWith("how not 0-2"));

  Encoded bye = encode(Bye{true});
  bye.payload = from_hex("03");
  CHECK_THAT(refusal(bye), Catch::EndsWith("unknown flags"));

  CHECK_THAT(refusal(encode(Accepted{127, kExampleCom, kExampleCom}, 0, 1)),
             Catch::EndsWith("new_sock not 128-254"));
  CHECK_THAT(refusal(encode(Accepted{255, kExampleCom, kExampleCom}, 0, 1)),
             Catch::EndsWith("new_sock not 128-254"));
  CHECK_THAT(refusal(encode(SockErr{0, 0, ""}, 0, 1)), Catch::EndsWith("code not an errno"));
  CHECK_THAT(refusal(encode(SockErr{-2, 0, ""}, 0, 1)), Catch::EndsWith("code not an errno"));
  CHECK_THAT(refusal(encode(PollCall{{{0, 1}}}, 1)), Catch::EndsWith("sock not 1-254"));
}

TEST_CASE("a getaddrinfo field sent without its given bit is refused") {
  Encoded call = encode(GetAddrInfoCall{}, 1);
  call.payload = from_hex("00 00 00 00 00 50 00 00");
  CHECK_THAT(refusal(call), Catch::EndsWith("port without its given bit"));
  call.payload = from_hex("00 00 00 00 00 00 00 01 61");
  CHECK_THAT(refusal(call), Catch::EndsWith("host without its given bit"));
  call.payload = from_hex("04 00 00 00 00 00 00 00");
  CHECK_THAT(refusal(call), Catch::EndsWith("unknown bits in given"));
}

TEST_CASE("addresses of an unknown family or cut short are refused") {
  Encoded connect = encode(ConnectCall{kExampleCom}, 1, 1);
  connect.payload[0] = 3;
  CHECK_THAT(refusal(connect), Catch::EndsWith("addr: unknown address family 3"));
  connect.payload = from_hex("0A 00 00");
  CHECK_THAT(refusal(connect), Catch::Contains("addr:"));
  CHECK(refusal(encode(ConnectCall{SockAddr{}}, 1, 1)).empty());
}

TEST_CASE("error texts longer than 120 bytes or not UTF-8 are refused") {
  const std::string text120(120, 'e');
  CHECK(refusal(encode(Result{5, 5, text120, ""}, 1, 1)).empty());
  Encoded result = encode(Result{5, 5, text120, ""}, 1, 1);
  result.payload[6] = 121;
  result.payload += 'e';
  CHECK_THAT(refusal(result), Catch::EndsWith("text longer than 120 bytes"));
  CHECK_THAT(refusal(encode(SockErr{104, 104, "\xc3("}, 0, 1)), Catch::EndsWith("text: not UTF-8"));
  CHECK_THAT(refusal(encode(Log{LogLevel::info, "\xed\xa0\x80"})),
             Catch::EndsWith("text: not UTF-8"));
}

TEST_CASE("encoding refuses what does not fit its field") {
  std::string out;
  CHECK_THROWS_AS(encode_payload(Reset{ResetReason::protocol, 0, std::string(256, 'x')}, out),
                  std::length_error);
  CHECK_THROWS_AS(encode_payload(SockErr{5, 5, std::string(121, 'x')}, out), std::length_error);
  CHECK_THROWS_AS(encode_payload(Result{5, 5, std::string(121, 'x'), ""}, out), std::length_error);
  CHECK_THROWS_AS(encode_payload(PollCall{std::vector<PollEntry>(256)}, out), std::length_error);
  CHECK_NOTHROW(encode_payload(Reset{ResetReason::protocol, 0, std::string(255, 'x')}, out));
}

TEST_CASE("result bodies round-trip for each call") {
  AddrInfoResult list;
  list.entries.push_back({1, 6, "example.com", kExampleCom});
  list.entries.push_back({2, 17, "", kScoped});
  const std::vector<std::pair<FrameType, ResultBody>> bodies = {
      {FrameType::getaddrinfo, list},
      {FrameType::getaddrinfo, AddrInfoResult{}},
      {FrameType::getnameinfo, NameInfoResult{"example.com", "http"}},
      {FrameType::getsockopt, OptionResult{std::string_view("\x01\x00\x00\x00", 4)}},
      {FrameType::bind, AddressResult{SockAddr{}}},
      {FrameType::connect, AddressResult{kExampleCom}},
      {FrameType::getsockname, AddressResult{kScoped}},
      {FrameType::getpeername, AddressResult{kExampleCom}},
      {FrameType::poll, PollResult{{{1, 1}, {2, 0x18}}}},
      {FrameType::socket, std::monostate{}},
      {FrameType::setsockopt, std::monostate{}},
      {FrameType::listen, std::monostate{}},
      {FrameType::shutdown, std::monostate{}},
      {FrameType::close, std::monostate{}},
  };
  for (const auto& entry : bodies) {
    const FrameType call = entry.first;
    const ResultBody& body = entry.second;
    INFO(frame_type_name(call));
    std::string encoded;
    encode_result_body(body, encoded);
    const ResultBody decoded = decode_result_body(call, encoded);
    CHECK(decoded.index() == body.index());
    std::string again;
    encode_result_body(decoded, again);
    CHECK(again == encoded);
    CHECK_THROWS_AS(decode_result_body(call, encoded + '\x01'), MalformedMessage);
    for (std::size_t size = 0; size < encoded.size(); ++size)
      CHECK_THROWS_AS(decode_result_body(call, encoded.substr(0, size)), MalformedMessage);
  }
  const std::string encoded_names = from_hex("01 61 01 62");
  const auto names =
      std::get<NameInfoResult>(decode_result_body(FrameType::getnameinfo, encoded_names));
  CHECK(names.host == "a");
  CHECK(names.service == "b");
}

TEST_CASE("result bodies for calls that have none are refused") {
  for (const auto call :
       {FrameType::cancel, FrameType::data, FrameType::result, FrameType::hello}) {
    INFO(frame_type_name(call));
    CHECK_THROWS_WITH(decode_result_body(call, ""), Catch::Contains("has a result"));
  }
}

TEST_CASE("cut_utf8 never splits a character") {
  CHECK(cut_utf8("hello", 10) == "hello");
  CHECK(cut_utf8("hello", 3) == "hel");
  CHECK(cut_utf8("caf\xc3\xa9", 4) == "caf");
  CHECK(cut_utf8("caf\xc3\xa9", 5) == "caf\xc3\xa9");
  CHECK(cut_utf8("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 7) == "\xf0\x9f\x98\x80");
  CHECK(cut_utf8("", 0).empty());
}

TEST_CASE("board resolver codes become glibc's (PROTOCOL.md 9.4)") {
  using namespace usock::eai;
  for (int code = -12; code <= -1; ++code)
    CHECK(portable_error_code(code) == code);
  CHECK(portable_error_code(0) == 0);
  CHECK(portable_error_code(103) == 103);
  CHECK(portable_error_code(-200) == noname);
  CHECK(portable_error_code(-210) == noname);
  CHECK(portable_error_code(-201) == service);
  CHECK(portable_error_code(-202) == fail);
  CHECK(portable_error_code(-212) == fail);
  CHECK(portable_error_code(-203) == memory);
  CHECK(portable_error_code(-204) == family);
  CHECK(portable_error_code(-211) == nodata);
  CHECK(portable_error_code(-213) == again);
  CHECK(portable_error_code(-13) == fail);
  CHECK(portable_error_code(-32768) == fail);
}

TEST_CASE("the wire primitives are little-endian") {
  std::string out;
  WireWriter writer(out);
  writer.u16(0x1234);
  writer.u32(0x89ABCDEF);
  writer.s16(-2);
  writer.s32(-202);
  CHECK(out == from_hex("34 12 EF CD AB 89 FE FF 36 FF FF FF"));
  WireReader reader(out);
  CHECK(reader.u16("a") == 0x1234);
  CHECK(reader.u32("b") == 0x89ABCDEF);
  CHECK(reader.s16("c") == -2);
  CHECK(reader.s32("d") == -202);
  CHECK(reader.at_end());
  CHECK_THROWS_AS(reader.u8("e"), MalformedMessage);
}
