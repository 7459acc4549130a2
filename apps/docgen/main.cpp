// usock-docgen: the tools' CLI11 definitions are the one source of truth for
// their options; this writes the shell completions from them and checks that
// the man pages and committed completions still agree with them.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "registry.hpp"

namespace {

std::vector<docgen::ToolSpec> describe_tools() {
  std::vector<docgen::ToolSpec> specs;
  for (const auto& tool : docgen::make_tools()) {
    specs.push_back(docgen::describe_tool(tool->name(), tool->app()));
  }
  return specs;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "Write the shell completions of usock's tools from their option definitions, and "
      "check their man pages and completions against them.",
      "usock-docgen");
  app.require_subcommand(1);

  auto* list = app.add_subcommand("list", "Print the name of every documented tool");

  std::string tool_name;
  std::string subcommand_name;
  auto* options = app.add_subcommand(
      "options",
      "Print the options, arguments and subcommands of TOOL (or of its SUBCOMMAND), one a line, "
      "tab-separated: kind, names, completion, words, excluded options, origin, description");
  options->add_option("TOOL", tool_name, "A tool listed by 'usock-docgen list'")->required();
  options->add_option("SUBCOMMAND", subcommand_name, "One of TOOL's subcommands");

  std::string out;
  auto* completions = app.add_subcommand(
      "completions",
      "Write DIR/bash/<tool>, DIR/zsh/_<tool> and DIR/fish/<tool>.fish for every tool");
  completions->add_option("--out", out, "The completions folder")->required()->type_name("DIR");

  std::string man_dir;
  std::string completions_dir;
  auto* check = app.add_subcommand(
      "check", "List every disagreement between the options and the man pages or completions");
  check->add_option("--man", man_dir, "The folder holding man1/<tool>.1")
      ->required()
      ->type_name("DIR");
  check->add_option("--completions", completions_dir, "The folder holding bash/, zsh/ and fish/")
      ->required()
      ->type_name("DIR");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Usage errors exit 2, as in every usock tool.
    return app.exit(error) == 0 ? 0 : 2;
  }

  try {
    const auto tools = describe_tools();
    if (*list) return docgen::list_tools(tools);
    if (*completions) return docgen::write_completions(tools, out);
    if (*check) return docgen::check(tools, man_dir, completions_dir);
    const auto tool = std::ranges::find(tools, tool_name, &docgen::ToolSpec::name);
    if (tool == tools.end()) {
      std::cerr << "usock-docgen: error: no tool named '" << tool_name << "'\n";
      return 2;
    }
    if (subcommand_name.empty()) return docgen::print_options(*tool);
    const auto subcommand =
        std::ranges::find(tool->subcommands, subcommand_name, &docgen::CommandSpec::name);
    if (subcommand == tool->subcommands.end()) {
      std::cerr << "usock-docgen: error: " << tool_name << " has no subcommand '" << subcommand_name
                << "'\n";
      return 2;
    }
    return docgen::print_options(*subcommand);
  } catch (const std::exception& error) {
    // Such as a folder that cannot be created (std::filesystem_error).
    std::cerr << "usock-docgen: error: " << error.what() << '\n';
    return 1;
  }
}
