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
};

struct PositionalSpec {
  std::string name;  // "HOST"
  std::string description;
  bool required = false;
  bool repeatable = false;  // takes all the remaining arguments
  ValueCompletion value;
};

struct ToolSpec {
  std::string name;
  std::vector<OptionSpec> options;          // in --help order
  std::vector<PositionalSpec> positionals;  // in command-line order
};

ToolSpec describe_tool(const std::string& name, const CLI::App& app);

}  // namespace docgen
