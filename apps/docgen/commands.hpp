#pragma once
// usock-docgen's subcommands. Each returns the process's exit code.

#include <filesystem>
#include <string>
#include <vector>

#include "tool_spec.hpp"

namespace docgen {

// One tool name a line.
int list_tools(const std::vector<ToolSpec>& tools);

// A table for scripts and people: a line for each option, positional and
// subcommand of `command` (a tool, or one of its subcommands), fields
// separated by tabs and "-" for an empty one:
//   kind (flag, value, positional, subcommand)  names  completion (none,
//   words, hosts, files, directories)  words  excluded options
//   origin (own, or inherited from the tool)  description
int print_options(const CommandSpec& command);

int write_completions(const std::vector<ToolSpec>& tools, const std::filesystem::path& dir);

// Exit 1 and every disagreement on stderr, or exit 0.
int check(const std::vector<ToolSpec>& tools, const std::filesystem::path& man_dir,
          const std::filesystem::path& completions_dir);

}  // namespace docgen
