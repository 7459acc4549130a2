#pragma once
// usock-docgen's subcommands. Each returns the process's exit code.

#include <filesystem>
#include <string>
#include <vector>

#include "tool_spec.hpp"

namespace docgen {

// One tool name a line.
int list_tools(const std::vector<ToolSpec>& tools);

// A table for scripts and people, one line an option or positional, fields
// separated by tabs and "-" for an empty one:
//   kind (flag, value, positional)  names  completion (none, words, hosts,
//   files, directories)  words  excluded options  description
int print_options(const ToolSpec& tool);

int write_completions(const std::vector<ToolSpec>& tools, const std::filesystem::path& dir);

// Exit 1 and every disagreement on stderr, or exit 0.
int check(const std::vector<ToolSpec>& tools, const std::filesystem::path& man_dir,
          const std::filesystem::path& completions_dir);

}  // namespace docgen
