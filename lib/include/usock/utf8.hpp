#pragma once

#include <cstddef>
#include <string_view>

namespace usock {

// Length (2-4) of the well-formed UTF-8 sequence of a non-ASCII character at
// text[i], or 0 when the bytes there are not one (overlong, surrogate, cut
// short, past U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

}  // namespace usock
