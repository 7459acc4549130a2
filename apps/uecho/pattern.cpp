#include "pattern.hpp"

#include <algorithm>
#include <cstring>

namespace uecho {
namespace {

// splitmix64: one multiply-xorshift round per 8 bytes, fast and without the
// short cycles that would let a shifted stream match itself.
std::uint64_t word_at(std::uint64_t index) {
  std::uint64_t z = index * 0x9E3779B97F4A7C15ull + 0x6A09E667F3BCC909ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

void fill_pattern(std::span<char> out, std::uint64_t offset) {
  char* next = out.data();
  char* const end = next + out.size();
  // A partial first word, then whole words, then a partial last word.
  if (const std::size_t skip = offset % 8; skip != 0 && next < end) {
    const std::uint64_t word = word_at(offset / 8);
    const std::size_t take = std::min<std::size_t>(8 - skip, static_cast<std::size_t>(end - next));
    std::memcpy(next, reinterpret_cast<const char*>(&word) + skip, take);
    next += take;
    offset += take;
  }
  std::uint64_t index = offset / 8;
  for (; end - next >= 8; next += 8) {
    const std::uint64_t word = word_at(index++);
    std::memcpy(next, &word, 8);
  }
  if (next < end) {
    const std::uint64_t word = word_at(index);
    std::memcpy(next, &word, static_cast<std::size_t>(end - next));
  }
}

}  // namespace uecho
