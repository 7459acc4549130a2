#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "checks.hpp"
#include "completion_scripts.hpp"

namespace docgen {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// "<file>:<line>: ..." at the first line that differs, showing both versions.
std::string first_difference(const fs::path& path, const std::string& expected,
                             const std::string& found) {
  const auto want = lines_of(expected);
  const auto have = lines_of(found);
  std::size_t line = 0;
  while (line < want.size() && line < have.size() && want[line] == have[line])
    ++line;
  const auto show = [line](const std::vector<std::string>& lines) {
    return line < lines.size() ? lines[line] : std::string("(end of file)");
  };
  return path.string() + ":" + std::to_string(line + 1) +
         ": differs from what usock-docgen generates now (run `make completions`)\n"
         "  generated: " +
         show(want) + "\n  in file:   " + show(have);
}

}  // namespace

std::vector<std::string> completion_disagreements(const std::vector<ToolSpec>& tools,
                                                  const fs::path& dir) {
  std::vector<std::string> problems;
  std::set<fs::path> generated;
  std::set<fs::path> folders;
  for (const auto& tool : tools) {
    for (const auto& file : completion_files(tool)) {
      const auto path = dir / file.path;
      generated.insert(path);
      folders.insert(path.parent_path());
      const auto found = read_file(path);
      if (!found) {
        problems.push_back(path.string() + ": missing (run `make completions`)");
      } else if (*found != file.text) {
        problems.push_back(first_difference(path, file.text, *found));
      }
    }
  }
  for (const auto& folder : folders) {
    std::error_code absent;
    for (const auto& entry : fs::directory_iterator(folder, absent)) {
      if (!generated.contains(entry.path())) {
        problems.push_back(entry.path().string() +
                           ": no tool generates this file (remove it, or add the tool to "
                           "apps/docgen/tools.cmake)");
      }
    }
  }
  return problems;
}

}  // namespace docgen
