#include "man_page.hpp"

#include <cctype>

#include "join.hpp"

namespace docgen {
namespace {

// mdoc macro lines split into arguments; quoted arguments keep their spaces.
std::vector<std::string> arguments_of(const std::string& line) {
  std::vector<std::string> arguments;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && line[at] == ' ')
      ++at;
    if (at == line.size()) break;
    if (line[at] == '"') {
      const auto end = line.find('"', at + 1);
      arguments.push_back(line.substr(at + 1, end == std::string::npos ? end : end - at - 1));
      at = end == std::string::npos ? line.size() : end + 1;
    } else {
      const auto end = line.find(' ', at);
      arguments.push_back(line.substr(at, end == std::string::npos ? end : end - at));
      at = end == std::string::npos ? line.size() : end;
    }
  }
  return arguments;
}

// Callable macros such as Fl, Ar, Ns, Op end the arguments of the one before.
bool is_macro(const std::string& word) {
  return word.size() >= 2 && word.size() <= 3 &&
         std::isupper(static_cast<unsigned char>(word[0])) &&
         std::islower(static_cast<unsigned char>(word[1]));
}

// The text an argument prints: "\-type" is "-type", "\&" prints nothing.
std::string unescaped(const std::string& word) {
  std::string text;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '\\' && i + 1 < word.size()) {
      ++i;
      if (word[i] != '&') text += word[i];
    } else {
      text += word[i];
    }
  }
  return text;
}

bool is_word(const std::string& argument) {
  const auto text = unescaped(argument);
  return !is_macro(argument) && !text.empty() &&
         (std::isalnum(static_cast<unsigned char>(text[0])) || text[0] == '-');
}

// The words that follow each occurrence of `macro` on a macro line.
std::vector<std::string> arguments_after(const std::vector<std::string>& arguments,
                                         const std::string& macro) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    if (arguments[i] != macro) continue;
    while (i + 1 < arguments.size() && is_word(arguments[i + 1])) {
      words.push_back(unescaped(arguments[++i]));
    }
  }
  return words;
}

ManOption option_item(const std::vector<std::string>& arguments, int line) {
  ManOption option;
  for (const auto& flag : arguments_after(arguments, "Fl"))
    option.names.push_back("-" + flag);
  for (const auto& argument : arguments)
    option.takes_value |= argument == "Ar";
  option.line = line;
  return option;
}

}  // namespace

ManPage read_man_page(std::istream& in) {
  ManPage page;
  std::string section;
  std::string command;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] != '.') continue;
    const auto arguments = arguments_of(line.substr(1));
    if (arguments.empty()) continue;
    const auto& macro = arguments.front();
    if (macro == "Sh") {
      section = join({arguments.begin() + 1, arguments.end()}, " ");
      command.clear();
    } else if (section == "OPTIONS" && macro == "Ss" && arguments.size() > 1) {
      command = arguments.back();
    } else if (section == "OPTIONS" && macro == "It" && arguments.size() > 1 &&
               arguments[1] == "Fl") {
      page.options[command].push_back(option_item(arguments, number));
    } else if (section == "SYNOPSIS") {
      for (const auto& word : arguments_after(arguments, "Ar")) {
        page.synopsis_arguments.push_back(word);
      }
      for (const auto& word : arguments_after(arguments, "Cm")) {
        page.synopsis_commands.push_back(word);
      }
    }
  }
  return page;
}

}  // namespace docgen
