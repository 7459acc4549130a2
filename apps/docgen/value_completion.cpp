#include "value_completion.hpp"

#include <algorithm>
#include <cctype>
#include <ranges>

namespace docgen {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (const auto part : std::views::split(text, separator)) {
    parts.emplace_back(part.begin(), part.end());
  }
  return parts;
}

bool is_placeholder(std::string_view word) {
  return word.empty() || std::ranges::any_of(word, [](unsigned char c) { return std::isupper(c); });
}

ValueCompletion words_of(std::string_view alternatives) {
  ValueCompletion completion{ValueCompletion::Kind::words, {}};
  for (const auto word : split(alternatives, '|')) {
    if (!is_placeholder(word)) completion.words.emplace_back(word);
  }
  if (completion.words.empty()) completion.kind = ValueCompletion::Kind::none;
  return completion;
}

ValueCompletion::Kind kind_of(std::string_view placeholder) {
  using Kind = ValueCompletion::Kind;
  if (placeholder == "HOST") return Kind::hosts;
  if (placeholder == "FILE" || placeholder == "PATH") return Kind::files;
  if (placeholder == "DIR") return Kind::directories;
  return Kind::none;
}

}  // namespace

ValueCompletion value_completion(std::string_view type_name) {
  // CLI11 appends validator descriptions: CLI::ExistingFile makes "TEXT:FILE".
  for (const auto part : split(type_name, ':')) {
    auto completion = part.find('|') != std::string_view::npos ? words_of(part)
                                                               : ValueCompletion{kind_of(part), {}};
    if (completion.kind != ValueCompletion::Kind::none) return completion;
  }
  return {};
}

std::string_view kind_name(ValueCompletion::Kind kind) {
  switch (kind) {
    case ValueCompletion::Kind::none:
      return "none";
    case ValueCompletion::Kind::words:
      return "words";
    case ValueCompletion::Kind::hosts:
      return "hosts";
    case ValueCompletion::Kind::files:
      return "files";
    case ValueCompletion::Kind::directories:
      return "directories";
  }
  return "none";
}

}  // namespace docgen
