#pragma once
// The tools listed in tools.cmake, each with the CLI11 app its binary parses.

#include <memory>
#include <vector>

#include "tool.hpp"

namespace docgen {

std::vector<std::unique_ptr<usock::cli::ToolCli>> make_tools();

}  // namespace docgen
