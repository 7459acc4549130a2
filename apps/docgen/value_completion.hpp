#pragma once
// What a shell offers for an option's value or a positional argument,
// derived from the name usock's CLIs give it: "stream|dgram|raw|N" lists the
// words (uppercase placeholders such as N are not words), HOST completes host
// names, FILE and PATH files, DIR directories; any other name offers nothing.

#include <string>
#include <string_view>
#include <vector>

namespace docgen {

struct ValueCompletion {
  enum class Kind { none, words, hosts, files, directories };
  Kind kind = Kind::none;
  std::vector<std::string> words;  // for Kind::words
};

// `type_name` as CLI11 reports it, validator descriptions appended after ':'.
ValueCompletion value_completion(std::string_view type_name);

std::string_view kind_name(ValueCompletion::Kind kind);

}  // namespace docgen
