#include "value_completion.hpp"

#include <algorithm>
#include <cctype>

namespace docgen {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  // A find loop rather than std::views::split, which clang 14 cannot use
  // with libstdc++ 12 (the fuzz preset builds everything with clang).
  std::vector<std::string_view> parts;
  while (true) {
    const auto end = text.find(separator);
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return parts;
    text.remove_prefix(end + 1);
  }
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
