#include "completion_scripts.hpp"

namespace docgen {

std::vector<CompletionFile> completion_files(const ToolSpec& tool) {
  return {
      {"bash/" + tool.name, bash_completion(tool)},
      {"zsh/_" + tool.name, zsh_completion(tool)},
      {"fish/" + tool.name + ".fish", fish_completion(tool)},
  };
}

}  // namespace docgen
