#include "pattern.hpp"

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
  std::size_t done = 0;
  while (done < out.size()) {
    const std::uint64_t position = offset + done;
    const std::uint64_t word = word_at(position / 8);
    const std::size_t skip = position % 8;
    const std::size_t take = std::min<std::size_t>(8 - skip, out.size() - done);
    std::memcpy(out.data() + done, reinterpret_cast<const char*>(&word) + skip, take);
    done += take;
  }
}

}  // namespace uecho
