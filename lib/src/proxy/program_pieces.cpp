#include "usock/proxy/program_pieces.hpp"

#include <array>
#include <optional>

namespace usock::proxy {
namespace {

bool is_name_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Unindented lines that belong to the statement before them: an `if`'s
// `else:`, a `try`'s `except:` and `finally:`, a loop's `else:`.
bool continues_statement(std::string_view line) {
  constexpr std::array<std::string_view, 4> words{"else", "elif", "except", "finally"};
  for (const auto word : words) {
    if (line.substr(0, word.size()) == word &&
        (line.size() == word.size() || !is_name_char(line[word.size()]))) {
      return true;
    }
  }
  return false;
}

// The end of the string literal whose quote is at `at`, or npos if it never
// ends. A backslash keeps the next character in the string, in raw strings
// too; a one-quote string ends at its line's end.
std::size_t string_end(std::string_view text, std::size_t at) {
  const char quote = text[at];
  const bool triple = text.substr(at, 3) == std::string(3, quote);
  for (std::size_t i = at + (triple ? 3 : 1); i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '\n' && !triple) {
      return std::string_view::npos;
    } else if (text[i] == quote && (!triple || text.substr(i, 3) == std::string(3, quote))) {
      return i + (triple ? 3 : 1);
    }
  }
  return std::string_view::npos;
}

// Where each top-level statement begins (the first at 0), read as Python's
// tokenizer would: strings, comments, brackets and backslash continuations.
std::optional<std::vector<std::size_t>> statement_starts(std::string_view text) {
  std::vector<std::size_t> starts{0};
  int depth = 0;
  bool continued = false;  // the previous line ended with a backslash
  bool decorated = false;  // the previous statement was a decorator
  bool begun = false;      // a statement came before: what precedes the first goes with it
  std::size_t i = 0;
  while (i < text.size()) {
    const char first = text[i];
    if (depth == 0 && !continued && first > ' ' && first != '#') {
      if (begun && !decorated && !continues_statement(text.substr(i))) starts.push_back(i);
      decorated = first == '@';
      begun = true;
    }
    continued = false;
    while (i < text.size() && text[i] != '\n') {
      const char c = text[i];
      if (c == '#') {
        i = text.find('\n', i);
        if (i == std::string_view::npos) i = text.size();
      } else if (c == '"' || c == '\'') {
        i = string_end(text, i);
        if (i == std::string_view::npos) return std::nullopt;
      } else if (c == '\\') {
        continued = text.substr(i + 1, 1) == "\n" || text.substr(i + 1, 2) == "\r\n";
        i += continued ? 1 : 2;
      } else {
        if (c == '(' || c == '[' || c == '{') ++depth;
        if ((c == ')' || c == ']' || c == '}') && --depth < 0) return std::nullopt;
        ++i;
      }
    }
    ++i;
  }
  if (depth != 0) return std::nullopt;
  return starts;
}

}  // namespace

std::vector<std::string> split_program(std::string_view program, std::size_t limit) {
  const auto starts = statement_starts(program);
  if (!starts) return {std::string(program)};
  std::vector<std::string> pieces;
  std::size_t begin = 0;
  std::size_t cut = 0;  // the furthest statement end that keeps the piece within `limit`
  for (std::size_t k = 1; k <= starts->size(); ++k) {
    const std::size_t end = k < starts->size() ? (*starts)[k] : program.size();
    if (end - begin > limit && cut > begin) {
      pieces.emplace_back(program.substr(begin, cut - begin));
      begin = cut;
    }
    cut = end;
  }
  pieces.emplace_back(program.substr(begin));
  return pieces;
}

}  // namespace usock::proxy
