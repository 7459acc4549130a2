// The fish completion: `complete` commands, installed in vendor_completions.d
// where fish loads them the first time the tool is completed. A tool's
// subcommands complete once their name is on the line.

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
      // The function completes the whole token, so "--root=" would come back
      // doubled ("--root=--root=dir/"): it gets the value part alone.
      return " -a '(__fish_complete_directories (commandline -ct | string replace -r -- "
             "\"^--[^=]*=\" \"\"))'";
    case Kind::none:
      break;
  }
  return {};
}

// `complete`'s -s and -l arguments ("-s t -l type"), as __fish_seen_argument takes them too.
std::string name_flags(const std::vector<std::string>& names) {
  std::vector<std::string> flags;
  for (const auto& name : names) {
    const bool is_long = name.starts_with("--");
    flags.push_back((is_long ? "-l " : "-s ") + name.substr(is_long ? 2 : 1));
  }
  return join(flags, " ");
}

// Where a command's completions apply: the tool's before any subcommand, a
// subcommand's after its name.
std::string command_condition(const ToolSpec& tool, const CommandSpec& command) {
  if (&command != &tool) return "__fish_seen_subcommand_from " + command.name;
  if (tool.subcommands.empty()) return {};
  std::vector<std::string> names;
  for (const auto& subcommand : tool.subcommands)
    names.push_back(subcommand.name);
  return "not __fish_seen_subcommand_from " + join(names, " ");
}

std::string condition_flag(std::vector<std::string> conditions) {
  std::erase(conditions, "");
  return conditions.empty() ? std::string() : " -n " + fish_quoted(join(conditions, "; and "));
}

std::string option_line(const std::string& tool, const std::string& where,
                        const OptionSpec& option) {
  const auto excluded =
      option.excludes.empty() ? "" : "not __fish_seen_argument " + name_flags(option.excludes);
  std::string line =
      "complete -c " + tool + " " + name_flags(option.names) + condition_flag({where, excluded});
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

std::string argument_function_name(const ToolSpec& tool, const CommandSpec& command) {
  const auto prefix = &command == &tool ? tool.name : tool.name + "_" + command.name;
  return "__" + prefix + "_arguments_before_cursor";
}

std::string argument_function(const ToolSpec& tool, const CommandSpec& command) {
  std::vector<std::string> specs;
  for (const auto& option : command.options)
    specs.push_back(argparse_spec(option));
  // The tool's arguments end at a subcommand's name; a subcommand's start after it.
  const auto stop = command.subcommands.empty() ? "" : "--stop-nonopt ";
  const auto skip = &command == &tool ? std::string()
                                      : "    set -l at (contains --index -- " + command.name +
                                            " $words); or return\n    set -e words[1..$at]\n";
  return "# Compares the number of arguments before the cursor that are neither options\n"
         "# nor their values: \"-eq 0\" holds while the first one is being typed.\n"
         "function " +
         argument_function_name(tool, command) +
         " --argument-names comparison count\n"
         "    set -l words (commandline -opc)[2..-1]\n" +
         skip + "    argparse " + stop + join(specs, " ") +
         " -- $words 2>/dev/null\n"
         "    or return\n"
         "    test (count $argv) $comparison $count\n"
         "end\n\n";
}

struct ArgumentLine {
  std::string condition;  // such as "-eq 0"
  std::string flags;      // what to offer, such as " -a server -d '...'"
};

std::vector<ArgumentLine> argument_lines(const CommandSpec& command) {
  std::vector<ArgumentLine> lines;
  for (const auto& subcommand : command.subcommands) {
    lines.push_back(
        {"-eq 0", " -a " + subcommand.name + " -d " + fish_quoted(subcommand.description)});
  }
  for (std::size_t index = 0; index < command.positionals.size(); ++index) {
    const auto& positional = command.positionals[index];
    const auto flags = value_flags(positional.value);
    if (flags.empty()) continue;
    lines.push_back({(positional.repeatable ? "-ge " : "-eq ") + std::to_string(index), flags});
  }
  return lines;
}

std::string command_lines(const ToolSpec& tool, const CommandSpec& command) {
  const auto where = command_condition(tool, command);
  std::string text;
  for (const auto& option : command.options)
    text += option_line(tool.name, where, option);
  for (const auto& line : argument_lines(command)) {
    text += "complete -c " + tool.name +
            condition_flag({where, argument_function_name(tool, command) + " " + line.condition}) +
            line.flags + "\n";
  }
  return text;
}

}  // namespace

std::string fish_completion(const ToolSpec& tool) {
  std::string text = generated_notice(tool.name) + "\n";
  if (!argument_lines(tool).empty()) text += argument_function(tool, tool);
  for (const auto& subcommand : tool.subcommands) {
    if (!argument_lines(subcommand).empty()) text += argument_function(tool, subcommand);
  }
  text += "complete -c " + tool.name + " -f\n" + command_lines(tool, tool);
  for (const auto& subcommand : tool.subcommands)
    text += "\n" + command_lines(tool, subcommand);
  return text;
}

}  // namespace docgen
