#pragma once
// Completion scripts for each shell, written from a tool's option spec.

#include <string>
#include <vector>

#include "tool_spec.hpp"

namespace docgen {

std::string bash_completion(const ToolSpec& tool);
std::string zsh_completion(const ToolSpec& tool);
std::string fish_completion(const ToolSpec& tool);

struct CompletionFile {
  std::string path;  // relative to the completions folder: "bash/ugetaddr"
  std::string text;
};

// Every completion file of `tool`, where each shell's installed layout wants it.
std::vector<CompletionFile> completion_files(const ToolSpec& tool);

}  // namespace docgen
