#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usock::cli {

// "1000", "64K", "10M", "1G", "2T" (binary multiples, any case, optional
// trailing "iB" or "B"); nullopt for anything else or past 2^62 bytes.
std::optional<std::uint64_t> parse_size(std::string_view text);

// A byte count as people read it: "1.0 GiB", "512 B".
std::string format_size(std::uint64_t bytes);

}  // namespace usock::cli
