// The bash completion: a function for bash-completion (_init_completion,
// _known_hosts_real, _filedir), installed under bash-completion/completions.

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

// Commands that fill COMPREPLY, one line each, indented by `indent`.
std::string completion_commands(const ValueCompletion& value, const std::string& indent) {
  switch (value.kind) {
    case Kind::words:
      return indent + "COMPREPLY=($(compgen -W " + posix_quoted(join(value.words, " ")) +
             " -- \"$cur\"))\n";
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

// After an option that takes a value, offer its values and never option names.
std::string value_completions(const ToolSpec& tool) {
  std::string text;
  for (const auto& option : tool.options) {
    if (!option.takes_value) continue;
    text += "    " + case_pattern(option.names) + ")\n";
    text += completion_commands(option.value, "      ");
    text += "      return\n      ;;\n";
  }
  if (text.empty()) return "  $split && return\n";
  return "  case $prev in\n" + text + "  esac\n  $split && return\n";
}

// Walks the words before the cursor: counts the arguments that are not
// options (skipping option values) and collects the options excluded so far.
std::string word_scan(const ToolSpec& tool) {
  std::string arms;
  for (const auto& option : tool.options) {
    if (!option.takes_value && option.excludes.empty()) continue;
    arms += "      " + case_pattern(option.names) + ")";
    if (!option.excludes.empty()) arms += " excluded+=(" + join(option.excludes, " ") + ")";
    if (!option.excludes.empty() && option.takes_value) arms += ";";
    if (option.takes_value) arms += " ((++i))";
    arms += " ;;\n";
  }
  return "  local i word arguments=0 options_ended=false excluded=()\n"
         "  for ((i = 1; i < cword; i++)); do\n"
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

std::string option_names(const ToolSpec& tool) {
  std::vector<std::string> names;
  for (const auto& option : tool.options) {
    names.insert(names.end(), option.names.begin(), option.names.end());
  }
  return join(names, " ");
}

std::string option_completions(const ToolSpec& tool) {
  return "  if ! $options_ended && [[ $cur == -* ]]; then\n"
         "    local offered=()\n"
         "    for word in " +
         option_names(tool) +
         "; do\n"
         "      [[ \" ${excluded[*]} \" == *\" $word \"* ]] || offered+=(\"$word\")\n"
         "    done\n"
         "    COMPREPLY=($(compgen -W \"${offered[*]}\" -- \"$cur\"))\n"
         "    return\n"
         "  fi\n";
}

std::string argument_completions(const ToolSpec& tool) {
  std::string branches;
  for (std::size_t index = 0; index < tool.positionals.size(); ++index) {
    const auto& positional = tool.positionals[index];
    const auto commands = completion_commands(positional.value, "    ");
    if (commands.empty()) continue;
    const auto comparison = positional.repeatable ? " >= " : " == ";
    branches += std::string(branches.empty() ? "  if" : "  elif") + " ((arguments" + comparison +
                std::to_string(index) + ")); then\n" + commands;
  }
  if (branches.empty()) return {};
  return "\n" + branches + "  fi\n";
}

}  // namespace

std::string bash_completion(const ToolSpec& tool) {
  const auto function = "_" + tool.name;
  return generated_notice(tool.name) + "\n" + function +
         "() {\n"
         "  local cur prev words cword split\n"
         "  _init_completion -s || return\n\n" +
         value_completions(tool) + "\n" + word_scan(tool) + "\n" + option_completions(tool) +
         argument_completions(tool) + "} &&\n  complete -F " + function + " " + tool.name + "\n";
}

}  // namespace docgen
