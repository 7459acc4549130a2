#pragma once
// The small part of JSON the tools write: escaped strings.

#include <string>
#include <string_view>

namespace usock::cli {

// A JSON string literal, quotes included. Bytes that are not valid UTF-8 are
// replaced by U+FFFD so the output is always valid JSON.
std::string json_string(std::string_view text);

}  // namespace usock::cli
