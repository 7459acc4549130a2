#include "tool_spec.hpp"

#include <algorithm>
#include <stdexcept>

namespace docgen {
namespace {

std::vector<std::string> names_of(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const auto& name : option.get_snames())
    names.push_back("-" + name);
  for (const auto& name : option.get_lnames())
    names.push_back("--" + name);
  return names;
}

bool takes_value(const CLI::Option& option) {
  return option.get_items_expected_max() > 0;
}

bool is_hidden(const CLI::Option& option) {
  return option.get_group().empty();
}

bool is_option_group(const CLI::App* command) {
  return command->get_name().empty();
}

bool is_subcommand(const CLI::App* command) {
  return !is_option_group(command);
}

// The command's options, with those of its option groups (CLI11 keeps them in
// nameless subcommands), in the order CLI11 lists them.
std::vector<const CLI::Option*> options_of(const CLI::App& command) {
  auto options = command.get_options();
  for (const auto* group : command.get_subcommands(is_option_group)) {
    const auto more = options_of(*group);
    options.insert(options.end(), more.begin(), more.end());
  }
  return options;
}

// In the app's order, so that generated files do not depend on addresses.
std::vector<std::string> excluded_names(const CLI::Option& option,
                                        const std::vector<const CLI::Option*>& all) {
  const auto excluded = option.get_excludes();
  std::vector<std::string> names;
  for (const auto* other : all) {
    if (!std::ranges::any_of(excluded, [other](const CLI::Option* e) { return e == other; })) {
      continue;
    }
    const auto other_names = names_of(*other);
    names.insert(names.end(), other_names.begin(), other_names.end());
  }
  return names;
}

OptionSpec option_spec(const CLI::Option& option, const CLI::App& command,
                       const std::vector<const CLI::Option*>& all) {
  OptionSpec spec;
  spec.names = names_of(option);
  spec.description = option.get_description();
  spec.takes_value = takes_value(option);
  if (spec.takes_value) {
    spec.value_name = option.get_type_name();
    spec.value = value_completion(spec.value_name);
  }
  spec.repeatable = option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll ||
                    option.get_items_expected_max() > 1;
  spec.ends_parsing = &option == command.get_help_ptr() || &option == command.get_help_all_ptr() ||
                      &option == command.get_version_ptr();
  spec.excludes = excluded_names(option, all);
  return spec;
}

PositionalSpec positional_spec(const CLI::Option& option) {
  PositionalSpec spec;
  spec.name = option.get_name(true);
  spec.description = option.get_description();
  spec.required = option.get_required();
  spec.repeatable = option.get_items_expected_max() > 1;
  // A positional's type name is usually TEXT; its name says what it holds.
  spec.value = value_completion(spec.name);
  return spec;
}

CommandSpec describe_command(const std::string& name, const CLI::App& command) {
  CommandSpec spec{name, command.get_description(), {}, {}, {}};
  const auto all = options_of(command);
  for (const auto* option : all) {
    if (is_hidden(*option)) continue;
    if (!option->get_snames().empty() || !option->get_lnames().empty()) {
      spec.options.push_back(option_spec(*option, command, all));
    }
    if (option->get_positional()) spec.positionals.push_back(positional_spec(*option));
  }
  return spec;
}

bool has_name(const CommandSpec& command, const std::string& name) {
  return std::ranges::any_of(command.options, [&name](const OptionSpec& option) {
    return std::ranges::find(option.names, name) != option.names.end();
  });
}

// CLI11 gives each subcommand a copy of the tool's --help; the man page
// documents it once, with the tool's options.
void share_help(CommandSpec& subcommand, const CommandSpec& tool) {
  for (auto& option : subcommand.options) {
    option.inherited |=
        option.ends_parsing && std::ranges::any_of(tool.options, [&](const auto& o) {
          return o.ends_parsing && o.names == option.names;
        });
  }
}

// The tool's options that the subcommand does not define again.
void inherit(CommandSpec& subcommand, const CommandSpec& tool) {
  for (const auto& option : tool.options) {
    if (std::ranges::any_of(option.names, [&](const auto& n) { return has_name(subcommand, n); })) {
      continue;
    }
    subcommand.options.push_back(option);
    subcommand.options.back().inherited = true;
  }
}

}  // namespace

ToolSpec describe_tool(const std::string& name, const CLI::App& app) {
  auto tool = describe_command(name, app);
  for (const auto* command : app.get_subcommands(is_subcommand)) {
    if (!command->get_subcommands(is_subcommand).empty()) {
      throw std::runtime_error(name + " " + command->get_name() +
                               " has subcommands of its own, which usock-docgen does not follow");
    }
    auto subcommand = describe_command(command->get_name(), *command);
    share_help(subcommand, tool);
    if (command->get_fallthrough()) inherit(subcommand, tool);
    tool.subcommands.push_back(std::move(subcommand));
  }
  return tool;
}

}  // namespace docgen
