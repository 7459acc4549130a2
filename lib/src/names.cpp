#include "usock/names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace usock {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Drops a C prefix ("sock_", "ipproto_", "ai_") from an already lowercased name.
std::string_view without_prefix(std::string_view name, std::string_view prefix) {
  return name.substr(0, prefix.size()) == prefix ? name.substr(prefix.size()) : name;
}

// A whole decimal or 0x-prefixed hex number, up to `max`.
std::optional<int> parse_number(std::string_view text, int max) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  // from_chars reads a minus sign, which would let "-0" and "0x-0" pass as 0.
  if (text.empty() || text.front() == '-') return std::nullopt;
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  if (ec != std::errc{} || ptr != end || value > max) {
    return std::nullopt;
  }
  return value;
}

struct FlagName {
  std::string_view name;
  int bit;
};

constexpr std::array<FlagName, 7> kAiFlags{{
    {"passive", ai::passive},
    {"canonname", ai::canonname},
    {"numerichost", ai::numerichost},
    {"numericserv", ai::numericserv},
    {"v4mapped", ai::v4mapped},
    {"all", ai::all},
    {"addrconfig", ai::addrconfig},
}};

constexpr int kAllAiFlags = ai::passive | ai::canonname | ai::numerichost | ai::numericserv |
                            ai::v4mapped | ai::all | ai::addrconfig;

std::optional<int> parse_one_ai_flag(std::string_view text) {
  if (auto number = parse_number(text, kAllAiFlags)) return number;
  const std::string lower = lowercase(text);
  const auto name = without_prefix(lower, "ai_");
  for (const auto& flag : kAiFlags) {
    if (flag.name == name) return flag.bit;
  }
  return std::nullopt;
}

}  // namespace

std::optional<SockType> parse_socktype(std::string_view text) {
  if (auto number = parse_number(text, 255)) return static_cast<SockType>(*number);
  const std::string lower = lowercase(text);
  const auto name = without_prefix(lower, "sock_");
  if (name == "stream") return SockType::stream;
  if (name == "dgram") return SockType::dgram;
  if (name == "raw") return SockType::raw;
  return std::nullopt;
}

std::optional<int> parse_proto(std::string_view text) {
  if (auto number = parse_number(text, 255)) return number;
  const std::string lower = lowercase(text);
  const auto name = without_prefix(lower, "ipproto_");
  if (name == "tcp") return proto::tcp;
  if (name == "udp") return proto::udp;
  return std::nullopt;
}

std::optional<int> parse_ai_flags(std::string_view text) {
  int flags = 0;
  while (true) {
    const auto end = text.find_first_of(",|");
    const auto item = text.substr(0, end);
    const auto bit = parse_one_ai_flag(item);
    if (!bit) return std::nullopt;
    flags |= *bit;
    if (end == std::string_view::npos) return flags;
    text.remove_prefix(end + 1);
  }
}

std::vector<std::string> ai_flag_names(int flags) {
  std::vector<std::string> names;
  for (const auto& flag : kAiFlags) {
    if (flags & flag.bit) {
      std::string upper = "AI_";
      for (const char c : flag.name)
        upper += static_cast<char>(std::toupper(c));
      names.push_back(upper);
    }
  }
  if (const int unknown = flags & ~kAllAiFlags; unknown != 0) {
    char hex[16];
    const auto [ptr, ec] = std::to_chars(hex, hex + sizeof hex, unknown, 16);
    names.push_back("0x" + std::string(hex, ptr));
  }
  return names;
}

}  // namespace usock
