#pragma once
// A tool's command line as the documentation sees it: read from the tool's
// CLI11 app, so --help, the man page check and the completions share one
// source of truth.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "value_completion.hpp"

namespace docgen {

struct OptionSpec {
  std::vector<std::string> names;  // "-t", "--type": short names first
  std::string description;
  bool takes_value = false;
  std::string value_name;  // CLI11's type name, such as "stream|dgram|raw|N"
  ValueCompletion value;
  bool repeatable = false;            // counted (-vvv) or collecting several values
  bool ends_parsing = false;          // --help, --version: nothing else matters after them
  std::vector<std::string> excludes;  // every name of every option it excludes
  // In a subcommand: the tool's option, accepted after the subcommand's name
  // too (CLI11's fallthrough), or the copy of the tool's --help CLI11 gives it.
  bool inherited = false;
};

struct PositionalSpec {
  std::string name;  // "HOST"
  std::string description;
  bool required = false;
  bool repeatable = false;  // takes all the remaining arguments
  ValueCompletion value;
};

// A tool, or one of its subcommands ("uecho server").
struct CommandSpec {
  std::string name;  // "uecho", or "server"
  std::string description;
  std::vector<OptionSpec> options;          // in --help order, then the inherited ones
  std::vector<PositionalSpec> positionals;  // in command-line order
  std::vector<CommandSpec> subcommands;     // a tool's; they have none of their own
};

using ToolSpec = CommandSpec;

// Throws std::runtime_error for subcommands of subcommands, which no shell
// completion written here would follow.
ToolSpec describe_tool(const std::string& name, const CLI::App& app);

}  // namespace docgen
