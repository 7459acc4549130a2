#include "traced.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace usock::detail {

std::string repr_timeout(const std::optional<double>& seconds) {
  if (!seconds) return "None";
  const double value = *seconds;
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Python's repr(float): the shortest digits that read back the same, in
  // fixed notation for decimal exponents -4..15 (10.0, 0.0001) and in
  // scientific notation outside them (1e+16, 1e-05), which to_chars spells
  // exactly as Python does.
  char text[64];
  const auto scientific =
      std::to_chars(text, text + sizeof text, value, std::chars_format::scientific);
  *scientific.ptr = '\0';  // for atoi; 64 bytes leave room, the longest is 24
  const std::string_view shortest(text, static_cast<std::size_t>(scientific.ptr - text));
  const int exponent = std::atoi(shortest.data() + shortest.find('e') + 1);
  if (exponent < -4 || exponent >= 16) return std::string(shortest);
  const auto fixed = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed);
  std::string out(text, fixed.ptr);
  if (out.find('.') == std::string::npos) out += ".0";
  return out;
}

}  // namespace usock::detail
