#pragma once
// The frames of PROTOCOL.md 7.3 and 8.6, byte for byte: the header fields the
// text gives, the payload, and the wire bytes (COBS and the delimiter, no
// extra leading 0x00). 7.3 gives HELLO_ACK's payload and CRC only; its wire
// bytes here follow from them.

#include <string_view>

#include "usock/proxy/frame.hpp"

namespace usock::test {

struct ProtocolExample {
  std::string_view name;
  proxy::Header header;
  std::string_view payload_hex;
  std::string_view wire_hex;
};

inline constexpr ProtocolExample kProtocolExamples[] = {
    {"ANNOUNCE (7.3)",
     {proxy::FrameType::announce, 0x00, 0, 0xFF, 0x0000, 0x01A5, 0, 0},
     "75 53 6F 4B 01 01 D4 C3 B2 A1",
     "02 03 01 02 FF 01 03 A5 01 01 01 0F 75 53 6F 4B 01 01 D4 C3 B2 A1 6C 03 "
     "15 6C 00"},
    {"HELLO (7.3)",
     {proxy::FrameType::hello, 0x00, 0, 0xFF, 0x41C0, 0x0001, 0, 0},
     "75 53 6F 4B 01 01 34 12 ED 5E 00 40 00 10 20 00 00 01 00 04 01 00 12 75 "
     "73 6F 63 6B 2F 30 2E 34 20 75 68 74 74 70 67 65 74",
     "02 01 01 05 FF C0 41 01 01 01 01 0B 75 53 6F 4B 01 01 34 12 ED 5E 02 40 "
     "03 10 20 01 02 01 03 04 01 18 12 75 73 6F 63 6B 2F 30 2E 34 20 75 68 74 "
     "74 70 67 65 74 55 F8 4B 99 00"},
    {"HELLO_ACK (7.3)",
     {proxy::FrameType::hello_ack, 0x00, 0, 0xFF, 0x083B, 0x01C1, 0, 0},
     "75 53 6F 4B 01 01 01 34 12 ED 5E D4 C3 B2 A1 00 08 E0 00 00 04 04 08 00 "
     "08 00 00 DC 05 98 3A 7E 02 00 00 00 C2 01 00 00 F0 00 00 00 50 00 00 05 "
     "65 73 70 33 32 12 6D 69 63 72 6F 70 79 74 68 6F 6E 20 31 2E 32 33 2E 30 "
     "1F 47 65 6E 65 72 69 63 20 45 53 50 33 32 20 6D 6F 64 75 6C 65 20 77 69 "
     "74 68 20 45 53 50 33 32 0D 75 73 6F 63 6B 2D 61 67 65 6E 74 20 31",
     "02 02 01 06 FF 3B 08 C1 01 01 01 10 75 53 6F 4B 01 01 01 34 12 ED 5E D4 "
     "C3 B2 A1 03 08 E0 01 04 04 04 08 02 08 01 07 DC 05 98 3A 7E 02 01 01 03 "
     "C2 01 01 02 F0 01 01 02 50 01 4C 05 65 73 70 33 32 12 6D 69 63 72 6F 70 "
     "79 74 68 6F 6E 20 31 2E 32 33 2E 30 1F 47 65 6E 65 72 69 63 20 45 53 50 "
     "33 32 20 6D 6F 64 75 6C 65 20 77 69 74 68 20 45 53 50 33 32 0D 75 73 6F "
     "63 6B 2D 61 67 65 6E 74 20 31 AE 8A 60 DC 00"},
    {"GETADDRINFO (8.6)",
     {proxy::FrameType::getaddrinfo, 0x00, 0, 0xFF, 0x4248, 0x003B, 1, 0},
     "03 00 01 00 00 50 00 0B 65 78 61 6D 70 6C 65 2E 63 6F 6D",
     "02 10 01 05 FF 48 42 3B 02 01 01 02 03 02 01 01 02 50 11 0B 65 78 61 6D "
     "70 6C 65 2E 63 6F 6D 3C CE 9D B7 00"},
    {"RESULT (8.6)",
     {proxy::FrameType::result, 0x00, 0, 0x00, 0x085F, 0x0248, 1, 0},
     "00 00 01 01 06 00 02 5D B8 D7 0E 50 00",
     "02 30 01 01 06 5F 08 48 02 01 01 01 01 04 01 01 06 07 02 5D B8 D7 0E 50 "
     "05 15 87 3C 04 00"},
    {"SOCKET (8.6)",
     {proxy::FrameType::socket, 0x00, 1, 0x00, 0x4266, 0x005F, 2, 1},
     "02 01 00",
     "02 12 02 01 04 66 42 5F 02 02 04 01 02 01 05 F4 50 B2 82 00"},
    {"CONNECT (8.6)",
     {proxy::FrameType::connect, 0x00, 2, 0x00, 0x4266, 0x0073, 3, 1},
     "02 5D B8 D7 0E 50 00",
     "02 17 02 02 04 66 42 73 02 03 08 01 02 5D B8 D7 0E 50 05 1F 0C 2F FE 00"},
    {"DATA (8.6)",
     {proxy::FrameType::data, 0x00, 3, 0x02, 0x4293, 0x008B, 0, 1},
     "47 45 54 20 2F 20 48 54 54 50 2F 31 2E 30 0D 0A 0D 0A",
     "02 20 06 03 02 93 42 8B 01 01 18 01 47 45 54 20 2F 20 48 54 54 50 2F 31 "
     "2E 30 0D 0A 0D 0A 64 EF F9 84 00"},
    {"ACK+POLL (8.6)",
     {proxy::FrameType::ack, 0x01, 4, 0x02, 0x4293, 0x00AE, 0, 0},
     "",
     "08 04 01 04 02 93 42 AE 01 01 01 05 10 19 F2 78 00"},
    {"NAK (8.6)",
     {proxy::FrameType::nak, 0x00, 3, 0x03, 0x08AE, 0x0293, 0, 0},
     "01",
     "02 05 07 03 03 AE 08 93 02 01 01 06 01 7B 8A D1 2B 00"},
    {"WINDOW (8.6)",
     {proxy::FrameType::window, 0x00, 4, 0x05, 0x4400, 0x00BF, 0, 1},
     "00 00 02 00",
     "02 22 03 04 05 03 44 BF 01 01 02 01 01 02 02 05 CA 72 50 A0 00"},
    {"SOCKERR (8.6)",
     {proxy::FrameType::sockerr, 0x00, 7, 0x04, 0x08D4, 0x0700, 0, 1},
     "67 00 71 00 00 00 18 5B 45 72 72 6E 6F 20 31 31 33 5D 20 45 43 4F 4E 4E "
     "41 42 4F 52 54 45 44",
     "02 33 05 07 04 D4 08 02 07 01 03 01 67 02 71 01 01 1E 18 5B 45 72 72 6E "
     "6F 20 31 31 33 5D 20 45 43 4F 4E 4E 41 42 4F 52 54 45 44 BF 3E 53 03 00"},
};

}  // namespace usock::test
