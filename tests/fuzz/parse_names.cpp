// parse_socktype, parse_proto and parse_ai_flags: what they accept is in
// range, and the names the library prints for it parse back to it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "usock/constants.hpp"
#include "usock/names.hpp"

namespace {

std::string join(const std::vector<std::string>& names, const char* separator) {
  std::string out;
  for (const auto& name : names)
    out += (out.empty() ? "" : separator) + name;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // No name has a '-', and the numbers are unsigned: "-0" is not 0.
  const bool signed_text = text.find('-') != std::string_view::npos;

  if (const auto type = usock::parse_socktype(text)) {
    const int number = static_cast<int>(*type);
    FUZZ_CHECK(number >= 0 && number <= 255);
    FUZZ_CHECK(!signed_text);
    FUZZ_CHECK(usock::parse_socktype(std::to_string(number)) == type);
    FUZZ_CHECK(usock::parse_socktype(usock::socktype_name(*type)) == type);
  }

  if (const auto proto = usock::parse_proto(text)) {
    FUZZ_CHECK(*proto >= 0 && *proto <= 255);
    FUZZ_CHECK(!signed_text);
    FUZZ_CHECK(usock::parse_proto(std::to_string(*proto)) == proto);
    FUZZ_CHECK(usock::parse_proto(usock::proto_name(*proto)) == proto);
  }

  if (const auto flags = usock::parse_ai_flags(text)) {
    constexpr int kKnown = 0x7f;  // every ai:: bit; parse_ai_flags takes no others
    FUZZ_CHECK(*flags >= 0 && (*flags & ~kKnown) == 0);
    FUZZ_CHECK(!signed_text);
    const auto names = usock::ai_flag_names(*flags);
    FUZZ_CHECK(names.empty() == (*flags == 0));
    if (*flags != 0) {
      for (const auto& name : names)
        FUZZ_CHECK(name.rfind("AI_", 0) == 0);
      FUZZ_CHECK(usock::parse_ai_flags(join(names, "|")) == flags);
      FUZZ_CHECK(usock::parse_ai_flags(join(names, ",")) == flags);
    }
  }
  return 0;
}
