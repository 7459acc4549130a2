#pragma once
// Where a tool's documentation disagrees with its options. Each disagreement
// is one message, "<file>[:<line>]: <what is wrong>", for a person to act on.

#include <filesystem>
#include <string>
#include <vector>

#include "tool_spec.hpp"

namespace docgen {

// Compares man_dir/man1/<tool>.1 with the tool's options and positionals.
std::vector<std::string> man_page_disagreements(const ToolSpec& tool,
                                                const std::filesystem::path& man_dir);

// Compares the files under `dir` with the completions generated now, and
// reports files there that no tool generates.
std::vector<std::string> completion_disagreements(const std::vector<ToolSpec>& tools,
                                                  const std::filesystem::path& dir);

}  // namespace docgen
