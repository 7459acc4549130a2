#pragma once
// The bulk mode's data: a pseudo-random byte stream addressed by position, so
// the sender and the checker produce the same bytes whatever their chunking,
// and a lost, duplicated or reordered byte shows at its exact offset.

#include <cstdint>
#include <span>

namespace uecho {

// Fills `out` with the stream's bytes from `offset` on.
void fill_pattern(std::span<char> out, std::uint64_t offset);

}  // namespace uecho
