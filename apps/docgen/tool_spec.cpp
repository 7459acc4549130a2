#include "tool_spec.hpp"

#include <algorithm>

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

OptionSpec option_spec(const CLI::Option& option, const CLI::App& app,
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
  spec.ends_parsing = &option == app.get_help_ptr() || &option == app.get_help_all_ptr() ||
                      &option == app.get_version_ptr();
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

}  // namespace

ToolSpec describe_tool(const std::string& name, const CLI::App& app) {
  ToolSpec tool{name, {}, {}};
  const auto all = app.get_options();
  for (const auto* option : all) {
    if (is_hidden(*option)) continue;
    if (!option->get_snames().empty() || !option->get_lnames().empty()) {
      tool.options.push_back(option_spec(*option, app, all));
    }
    if (option->get_positional()) tool.positionals.push_back(positional_spec(*option));
  }
  return tool;
}

}  // namespace docgen
