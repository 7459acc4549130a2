#include "commands.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "checks.hpp"
#include "completion_scripts.hpp"
#include "join.hpp"

namespace docgen {
namespace {

std::string field(const std::string& text) {
  return text.empty() ? "-" : text;
}

std::string field(const std::vector<std::string>& words) {
  return field(join(words, " "));
}

void print_row(const std::vector<std::string>& fields) {
  std::cout << join(fields, "\t") << '\n';
}

}  // namespace

int list_tools(const std::vector<ToolSpec>& tools) {
  for (const auto& tool : tools)
    std::cout << tool.name << '\n';
  return 0;
}

int print_options(const CommandSpec& command) {
  for (const auto& option : command.options) {
    print_row({option.takes_value ? "value" : "flag", field(option.names),
               std::string(kind_name(option.value.kind)), field(option.value.words),
               field(option.excludes), option.inherited ? "inherited" : "own",
               field(option.description)});
  }
  for (const auto& positional : command.positionals) {
    print_row({"positional", positional.name, std::string(kind_name(positional.value.kind)),
               field(positional.value.words), "-", "own", field(positional.description)});
  }
  for (const auto& subcommand : command.subcommands) {
    print_row(
        {"subcommand", subcommand.name, "none", "-", "-", "own", field(subcommand.description)});
  }
  return 0;
}

int write_completions(const std::vector<ToolSpec>& tools, const std::filesystem::path& dir) {
  for (const auto& tool : tools) {
    for (const auto& file : completion_files(tool)) {
      const auto path = dir / file.path;
      std::filesystem::create_directories(path.parent_path());
      std::ofstream out(path, std::ios::binary);
      out << file.text;
      if (!out.flush()) {
        std::cerr << "usock-docgen: error: cannot write " << path.string() << '\n';
        return 1;
      }
      std::cout << "wrote " << path.string() << '\n';
    }
  }
  return 0;
}

int check(const std::vector<ToolSpec>& tools, const std::filesystem::path& man_dir,
          const std::filesystem::path& completions_dir) {
  auto problems = completion_disagreements(tools, completions_dir);
  for (const auto& tool : tools) {
    const auto found = man_page_disagreements(tool, man_dir);
    problems.insert(problems.end(), found.begin(), found.end());
  }
  for (const auto& problem : problems)
    std::cerr << problem << '\n';
  if (!problems.empty()) {
    std::cerr << "usock-docgen: " << problems.size()
              << " disagreement(s) between the options and their documentation\n";
    return 1;
  }
  std::cout << "usock-docgen: man pages and completions agree with the options of " << tools.size()
            << " tool(s)\n";
  return 0;
}

}  // namespace docgen
