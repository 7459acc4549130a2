// The fish completion: `complete` commands, installed in vendor_completions.d
// where fish loads them the first time the tool is completed.

#include "completion_scripts.hpp"
#include "generated_notice.hpp"
#include "join.hpp"
#include "shell_quote.hpp"

namespace docgen {
namespace {

using Kind = ValueCompletion::Kind;

// The flags of `complete` that offer `value`; -F turns files back on where -f turned them off.
std::string value_flags(const ValueCompletion& value) {
  switch (value.kind) {
    case Kind::words:
      return " -a " + fish_quoted(join(value.words, " "));
    case Kind::hosts:
      return " -a '(__fish_print_hostnames)'";
    case Kind::files:
      return " -F";
    case Kind::directories:
      return " -a '(__fish_complete_directories)'";
    case Kind::none:
      break;
  }
  return {};
}

// __fish_seen_argument's arguments for these option names.
std::string seen_arguments(const std::vector<std::string>& names) {
  std::vector<std::string> arguments;
  for (const auto& name : names) {
    const bool is_long = name.starts_with("--");
    arguments.push_back((is_long ? "-l " : "-s ") + name.substr(is_long ? 2 : 1));
  }
  return join(arguments, " ");
}

std::string option_line(const std::string& tool, const OptionSpec& option) {
  std::string line = "complete -c " + tool;
  for (const auto& name : option.names) {
    const bool is_long = name.starts_with("--");
    line += (is_long ? " -l " : " -s ") + name.substr(is_long ? 2 : 1);
  }
  if (!option.excludes.empty()) {
    line += " -n " + fish_quoted("not __fish_seen_argument " + seen_arguments(option.excludes));
  }
  // -r: the next word is this option's value, never an option or an argument;
  // -f: and not a file, unless the value is one.
  if (option.takes_value) {
    line += option.value.kind == Kind::files ? " -r" : " -x";
    line += value_flags(option.value);
  }
  return line + " -d " + fish_quoted(option.description) + "\n";
}

// argparse's spec of an option: "t/type=", "python", "4/ipv4".
std::string argparse_spec(const OptionSpec& option) {
  std::string short_name;
  std::string long_name;
  for (const auto& name : option.names) {
    if (name.starts_with("--")) {
      if (long_name.empty()) long_name = name.substr(2);
    } else if (short_name.empty()) {
      short_name = name.substr(1);
    }
  }
  std::string spec = short_name.empty() || long_name.empty() ? short_name + long_name
                                                             : short_name + "/" + long_name;
  return spec + (option.takes_value ? "=" : "");
}

std::string argument_test_function(const ToolSpec& tool, const std::string& function) {
  std::vector<std::string> specs;
  for (const auto& option : tool.options)
    specs.push_back(argparse_spec(option));
  return "# Compares the number of arguments before the cursor that are neither options\n"
         "# nor their values: \"-eq 0\" holds while the first one is being typed.\n"
         "function " +
         function +
         " --argument-names comparison count\n"
         "    set -l words (commandline -opc)[2..-1]\n"
         "    argparse " +
         join(specs, " ") +
         " -- $words 2>/dev/null\n"
         "    or return\n"
         "    test (count $argv) $comparison $count\n"
         "end\n";
}

std::string argument_lines(const ToolSpec& tool, const std::string& function) {
  std::string lines;
  for (std::size_t index = 0; index < tool.positionals.size(); ++index) {
    const auto& positional = tool.positionals[index];
    const auto flags = value_flags(positional.value);
    if (flags.empty()) continue;
    const auto comparison = positional.repeatable ? " -ge " : " -eq ";
    lines += "complete -c " + tool.name + " -n " +
             fish_quoted(function + comparison + std::to_string(index)) + flags + "\n";
  }
  return lines;
}

}  // namespace

std::string fish_completion(const ToolSpec& tool) {
  const auto function = "__" + tool.name + "_arguments_before_cursor";
  std::string text = generated_notice(tool.name) + "\n" + argument_test_function(tool, function) +
                     "\ncomplete -c " + tool.name + " -f\n";
  for (const auto& option : tool.options)
    text += option_line(tool.name, option);
  return text + argument_lines(tool, function);
}

}  // namespace docgen
