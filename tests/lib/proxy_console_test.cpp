// Console text and its markers (PROTOCOL.md 3.4): what a board prints when
// it resets, drops to the REPL or loses the agent to an exception.
#include <catch2/catch.hpp>

#include "usock/proxy/console.hpp"

using usock::proxy::find_console_marker;
using usock::proxy::is_console_text;
using Kind = usock::proxy::ConsoleMarker::Kind;

namespace {

std::optional<Kind> marker_kind(std::string_view line) {
  const auto marker = find_console_marker(line);
  if (!marker) return std::nullopt;
  CHECK(line.find(marker->marker) != std::string_view::npos);
  return marker->kind;
}

}  // namespace

TEST_CASE("reset lines of ESP32 and ESP8266 and MicroPython are markers") {
  CHECK(marker_kind("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)") == Kind::reset);
  CHECK(marker_kind(" ets Jan  8 2013,rst cause:2, boot mode:(3,6)") == Kind::reset);
  CHECK(marker_kind("ESP-ROM:esp32s3-20210327") == Kind::reset);
  CHECK(marker_kind("ets Jun  8 2016 00:22:57") == Kind::reset);
  CHECK(marker_kind("ets Jul 29 2019 12:21:46") == Kind::reset);
  CHECK(marker_kind("Guru Meditation Error: Core  1 panic'ed (LoadProhibited).") == Kind::reset);
  CHECK(marker_kind("Brownout detector was triggered") == Kind::reset);
  CHECK(marker_kind("abort() was called at PC 0x400d1234 on core 0") == Kind::reset);
  CHECK(marker_kind("MPY: soft reboot") == Kind::reset);
  CHECK(marker_kind("soft reboot") == Kind::reset);
}

TEST_CASE("the REPL and a traceback mean the agent is gone") {
  CHECK(marker_kind("raw REPL; CTRL-B to exit") == Kind::agent_gone);
  CHECK(marker_kind("Type \"help()\" for more information.") == Kind::agent_gone);
  CHECK(marker_kind("Traceback (most recent call last):") == Kind::agent_crashed);
}

TEST_CASE("ordinary lines and near misses are no markers") {
  CHECK_FALSE(marker_kind("I (1234) wifi: connected"));
  CHECK_FALSE(marker_kind(">>> "));
  CHECK_FALSE(marker_kind("MicroPython v1.23.0 on 2024-06-02; Generic ESP32 module with ESP32"));
  CHECK_FALSE(marker_kind("RST:0x1"));  // markers are case-sensitive
  CHECK_FALSE(marker_kind("soft-reboot"));
  CHECK_FALSE(marker_kind(""));
}

TEST_CASE("console text is printable UTF-8 with few control bytes") {
  CHECK(is_console_text("MPY: soft reboot\r\n"));
  CHECK(is_console_text("\r\n"));
  CHECK(is_console_text("\t"));
  CHECK(is_console_text(""));
  CHECK(is_console_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  CHECK(is_console_text("\x1b[0;32mI (29) boot: ESP-IDF\x1b[0m"));
  CHECK(is_console_text("print(ok)\r\n\x04"));   // the raw REPL's end of output
  CHECK(is_console_text("123456789\x04"));       // a tenth
  CHECK_FALSE(is_console_text("12345678\x04"));  // more than a tenth
  CHECK_FALSE(is_console_text("\x04\x04>"));
  CHECK_FALSE(is_console_text("bell\a"));
  CHECK_FALSE(is_console_text(std::string_view("nul\0", 4)));
  CHECK_FALSE(is_console_text("del\x7f"));
  CHECK_FALSE(is_console_text("caf\xc3"));       // cut short
  CHECK_FALSE(is_console_text("\xc0\xaf"));      // overlong
  CHECK_FALSE(is_console_text("\xed\xa0\x80"));  // surrogate
}
