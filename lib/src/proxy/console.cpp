#include "usock/proxy/console.hpp"

#include "usock/proxy/wire.hpp"

namespace usock::proxy {

bool is_console_text(std::string_view line) {
  std::size_t controls = 0;
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0x1b || byte == 0x04) {
      ++controls;
    } else if ((byte < 0x20 && byte != '\t' && byte != '\r' && byte != '\n') || byte == 0x7f) {
      return false;
    }
  }
  return controls * 10 <= line.size() && is_utf8(line);
}

std::optional<ConsoleMarker> find_console_marker(std::string_view line) {
  using Kind = ConsoleMarker::Kind;
  static constexpr ConsoleMarker kMarkers[] = {
      {Kind::reset, "rst:0x"},
      {Kind::reset, "rst cause:"},
      {Kind::reset, "ESP-ROM:"},
      {Kind::reset, "ets Jun  8 2016"},
      {Kind::reset, "ets Jul 29 2019"},
      {Kind::reset, "Guru Meditation Error"},
      {Kind::reset, "Brownout detector was triggered"},
      {Kind::reset, "abort() was called"},
      {Kind::reset, "soft reboot"},  // also finds "MPY: soft reboot"
      {Kind::agent_gone, "raw REPL; CTRL-B to exit"},
      {Kind::agent_gone, "Type \"help()\""},
      {Kind::agent_crashed, "Traceback (most recent call last):"},
  };
  for (const auto& marker : kMarkers) {
    if (line.find(marker.marker) != std::string_view::npos) return marker;
  }
  return std::nullopt;
}

}  // namespace usock::proxy
