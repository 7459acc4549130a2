// The bash completion: a function for bash-completion (_init_completion,
// _known_hosts_real, _filedir), installed under bash-completion/completions.
// Each subcommand gets a function of its own, which the tool's calls once the
// subcommand's name is on the line.

#include "completion_scripts.hpp"
#include "generated_notice.hpp"
#include "join.hpp"
#include "shell_quote.hpp"

namespace docgen {
namespace {

using Kind = ValueCompletion::Kind;

std::string case_pattern(const std::vector<std::string>& names) {
  return join(names, " | ");
}

std::string subcommand_function(const std::string& tool, const CommandSpec& subcommand) {
  return "_" + tool + "__" + subcommand.name;
}

std::string words_command(const std::vector<std::string>& words, const std::string& indent) {
  return indent + "COMPREPLY=($(compgen -W " + posix_quoted(join(words, " ")) + " -- \"$cur\"))\n";
}

// Commands that fill COMPREPLY, one line each, indented by `indent`.
std::string completion_commands(const ValueCompletion& value, const std::string& indent) {
  switch (value.kind) {
    case Kind::words:
      return words_command(value.words, indent);
    case Kind::hosts:
      return indent + "_known_hosts_real -- \"$cur\"\n";
    case Kind::files:
      return indent + "_filedir\n";
    case Kind::directories:
      return indent + "_filedir -d\n";
    case Kind::none:
      break;
  }
  return {};
}

// Walks the words from `start` to the cursor: counts the arguments that are
// not options (skipping option values), collects the options excluded so
// far, and hands over to a subcommand's function at its name.
std::string word_scan(const std::string& tool, const CommandSpec& command,
                      const std::string& start) {
  std::string arms;
  for (const auto& option : command.options) {
    if (!option.takes_value && option.excludes.empty()) continue;
    arms += "      " + case_pattern(option.names) + ")";
    if (!option.excludes.empty()) arms += " excluded+=(" + join(option.excludes, " ") + ")";
    if (!option.excludes.empty() && option.takes_value) arms += ";";
    if (option.takes_value) arms += " ((++i))";
    arms += " ;;\n";
  }
  for (const auto& subcommand : command.subcommands) {
    arms += "      " + subcommand.name + ")\n        " + subcommand_function(tool, subcommand) +
            " $((i + 1))\n        return\n        ;;\n";
  }
  return "  local i word arguments=0 options_ended=false excluded=()\n"
         "  for ((i = " +
         start +
         "; i < cword; i++)); do\n"
         "    word=${words[i]}\n"
         "    if $options_ended; then\n"
         "      ((++arguments))\n"
         "      continue\n"
         "    fi\n"
         "    case $word in\n"
         "      --) options_ended=true ;;\n" +
         arms +
         "      -*) ;;\n"
         "      *) ((++arguments)) ;;\n"
         "    esac\n"
         "  done\n";
}

// After an option that takes a value, offer its values and never option names.
std::string value_completions(const CommandSpec& command) {
  std::string arms;
  for (const auto& option : command.options) {
    if (!option.takes_value) continue;
    arms += "    " + case_pattern(option.names) + ")\n";
    arms += completion_commands(option.value, "      ");
    arms += "      return\n      ;;\n";
  }
  if (arms.empty()) return "  $split && return\n";
  return "  case $prev in\n" + arms + "  esac\n  $split && return\n";
}

std::string option_completions(const CommandSpec& command) {
  std::vector<std::string> names;
  for (const auto& option : command.options) {
    names.insert(names.end(), option.names.begin(), option.names.end());
  }
  return "  if ! $options_ended && [[ $cur == -* ]]; then\n"
         "    local offered=()\n"
         "    for word in " +
         join(names, " ") +
         "; do\n"
         "      [[ \" ${excluded[*]} \" == *\" $word \"* ]] || offered+=(\"$word\")\n"
         "    done\n"
         "    COMPREPLY=($(compgen -W \"${offered[*]}\" -- \"$cur\"))\n"
         "    return\n"
         "  fi\n";
}

std::string argument_completions(const CommandSpec& command) {
  std::string branches;
  const auto branch = [&branches](const std::string& condition, const std::string& commands) {
    branches += std::string(branches.empty() ? "  if" : "  elif") + " ((" + condition +
                ")); then\n" + commands;
  };
  if (!command.subcommands.empty()) {
    std::vector<std::string> names;
    for (const auto& subcommand : command.subcommands)
      names.push_back(subcommand.name);
    branch("arguments == 0", words_command(names, "    "));
  }
  for (std::size_t index = 0; index < command.positionals.size(); ++index) {
    const auto& positional = command.positionals[index];
    const auto commands = completion_commands(positional.value, "    ");
    if (commands.empty()) continue;
    branch(
        std::string("arguments ") + (positional.repeatable ? ">= " : "== ") + std::to_string(index),
        commands);
  }
  if (branches.empty()) return {};
  return "\n" + branches + "  fi\n";
}

std::string command_body(const std::string& tool, const CommandSpec& command,
                         const std::string& start) {
  return word_scan(tool, command, start) + "\n" + value_completions(command) + "\n" +
         option_completions(command) + argument_completions(command);
}

}  // namespace

std::string bash_completion(const ToolSpec& tool) {
  std::string text = generated_notice(tool.name) + "\n";
  // Subcommand functions see the caller's cur, prev, words, cword and split.
  for (const auto& subcommand : tool.subcommands) {
    text += subcommand_function(tool.name, subcommand) + "() {\n" +
            command_body(tool.name, subcommand, "$1") + "}\n\n";
  }
  const auto function = "_" + tool.name;
  return text + function +
         "() {\n"
         "  local cur prev words cword split\n"
         "  _init_completion -s || return\n\n" +
         command_body(tool.name, tool, "1") + "} &&\n  complete -F " + function + " " + tool.name +
         "\n";
}

}  // namespace docgen
