// The zsh completion: one _arguments call, installed in a site-functions
// folder of $fpath where compinit finds it by its #compdef line.

#include "completion_scripts.hpp"
#include "generated_notice.hpp"
#include "join.hpp"
#include "shell_quote.hpp"

namespace docgen {
namespace {

using Kind = ValueCompletion::Kind;

// _arguments reads backslash escapes in explanations, messages and actions;
// `specials` are the characters that would otherwise end the field.
std::string escaped(std::string_view text, std::string_view specials) {
  std::string out;
  for (const char c : text) {
    if (c == '\\' || specials.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string explanation(std::string_view description) {
  return "[" + escaped(description, "[]") + "]";
}

std::string action(const ValueCompletion& value) {
  switch (value.kind) {
    case Kind::words: {
      std::vector<std::string> words;
      for (const auto& word : value.words)
        words.push_back(escaped(word, " ():"));
      return "(" + join(words, " ") + ")";
    }
    case Kind::hosts:
      return "_hosts";
    case Kind::files:
      return "_files";
    case Kind::directories:
      return "_files -/";
    case Kind::none:
      break;
  }
  return " ";  // a message and nothing to complete
}

std::string argument(std::string_view message, const ValueCompletion& value) {
  return ":" + escaped(message, ":") + ":" + action(value);
}

// The options that may no longer follow this one; --help and --version end it all.
std::string exclusion_list(const OptionSpec& option) {
  if (option.ends_parsing) return "(- : *)";
  std::vector<std::string> names = option.excludes;
  if (!option.repeatable) names.insert(names.begin(), option.names.begin(), option.names.end());
  return names.empty() ? std::string() : "(" + join(names, " ") + ")";
}

// -t+ and --type= take the value in the same word or the next, as CLI11 does.
std::string spelling(const std::string& name, bool takes_value) {
  if (!takes_value) return name;
  return name + (name.starts_with("--") ? "=" : "+");
}

std::string option_spec(const OptionSpec& option) {
  auto head = exclusion_list(option) + (option.repeatable ? "*" : "");
  auto tail = explanation(option.description);
  if (option.takes_value) tail += argument(option.value_name, option.value);
  if (option.names.size() == 1) {
    return posix_quoted(head + spelling(option.names.front(), option.takes_value) + tail);
  }
  std::vector<std::string> spellings;
  for (const auto& name : option.names)
    spellings.push_back(spelling(name, option.takes_value));
  // Brace expansion gives every name its own spec with the same head and tail.
  return posix_quoted(head) + "{" + join(spellings, ",") + "}" + posix_quoted(tail);
}

std::string positional_spec(const PositionalSpec& positional, std::size_t index) {
  // "1:" is a required argument, "2::" an optional one, "*:" all the rest.
  std::string position = "*:";
  if (!positional.repeatable)
    position = std::to_string(index + 1) + (positional.required ? ":" : "::");
  return posix_quoted(position + escaped(positional.name, ":") + ":" + action(positional.value));
}

// An _arguments call for `command`, its lines after the first indented by `indent`.
std::string arguments_call(const CommandSpec& command, const std::string& indent) {
  std::vector<std::string> specs;
  for (const auto& option : command.options)
    specs.push_back(option_spec(option));
  for (std::size_t index = 0; index < command.positionals.size(); ++index) {
    specs.push_back(positional_spec(command.positionals[index], index));
  }
  std::string flags = "-s -S";  // -s: single-letter options combine (-4s); -S: "--" ends them
  if (!command.subcommands.empty()) {
    // The subcommand's name, then its words, which the states below complete.
    flags = "-C " + flags;
    specs.emplace_back("'1:command:->command'");
    specs.emplace_back("'*::argument:->argument'");
  }
  return "_arguments " + flags + " \\\n" + indent + "  " + join(specs, " \\\n" + indent + "  ") +
         "\n";
}

std::string subcommand_states(const ToolSpec& tool) {
  std::vector<std::string> descriptions;
  std::string cases;
  for (const auto& subcommand : tool.subcommands) {
    descriptions.push_back(
        posix_quoted(escaped(subcommand.name, ":") + ":" + subcommand.description));
    cases += "      " + subcommand.name + ")\n        " + arguments_call(subcommand, "        ") +
             "        ;;\n";
  }
  return "\ncase $state in\n"
         "  command)\n"
         "    local -a commands=(\n      " +
         join(descriptions, "\n      ") +
         "\n    )\n"
         "    _describe -t commands command commands\n"
         "    ;;\n"
         "  argument)\n"
         "    curcontext=${curcontext%:*:*}:" +
         tool.name +
         "-$words[1]:\n"
         "    case $words[1] in\n" +
         cases +
         "    esac\n"
         "    ;;\n"
         "esac\n";
}

}  // namespace

std::string zsh_completion(const ToolSpec& tool) {
  std::string text = "#compdef " + tool.name + "\n" + generated_notice(tool.name) + "\n";
  if (tool.subcommands.empty()) return text + arguments_call(tool, "");
  return text + "local curcontext=$curcontext state line\n" + arguments_call(tool, "") +
         subcommand_states(tool);
}

}  // namespace docgen
