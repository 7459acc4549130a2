#include "usock/http/range.hpp"

#include <charconv>
#include <optional>

#include "usock/http/head.hpp"

namespace usock::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// Digits only (no sign, no spaces); nullopt for anything else or overflow.
std::optional<std::uint64_t> number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

ByteRange parse_byte_range(std::string_view value, std::uint64_t file_size) {
  const ByteRange ignored;
  const std::size_t equals = value.find('=');
  if (equals == std::string_view::npos || !iequals(trim(value.substr(0, equals)), "bytes")) {
    return ignored;
  }
  const std::string_view spec = trim(value.substr(equals + 1));
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return ignored;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);

  ByteRange range;
  if (first_text.empty()) {
    // "-N": the last N bytes.
    const auto suffix = number(last_text);
    if (!suffix) return ignored;
    if (*suffix == 0 || file_size == 0) {
      range.kind = ByteRange::Kind::unsatisfiable;
      return range;
    }
    range.first = file_size - std::min(*suffix, file_size);
    range.last = file_size - 1;
  } else {
    const auto first = number(first_text);
    const auto last =
        last_text.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : number(last_text);
    if (!first || !last || *last < *first) return ignored;
    if (*first >= file_size) {
      range.kind = ByteRange::Kind::unsatisfiable;
      return range;
    }
    range.first = *first;
    range.last = std::min(*last, file_size - 1);
  }
  range.kind = ByteRange::Kind::satisfiable;
  return range;
}

}  // namespace usock::http
