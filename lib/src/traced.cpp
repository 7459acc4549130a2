#include "traced.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace usock::detail {

std::string repr_timeout(const std::optional<double>& seconds) {
  if (!seconds) return "None";
  // Python prints a float in its shortest form that reads back the same,
  // and always with a decimal point: 2.0, 0.25.
  char text[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, *seconds);
    if (std::strtod(text, nullptr) == *seconds) break;
  }
  std::string out = text;
  if (out.find_first_of(".en") == std::string::npos) out += ".0";
  return out;
}

}  // namespace usock::detail
