#include <algorithm>
#include <cctype>
#include <fstream>

#include "checks.hpp"
#include "join.hpp"
#include "man_page.hpp"

namespace docgen {
namespace {

bool same_names(std::vector<std::string> a, std::vector<std::string> b) {
  std::ranges::sort(a);
  std::ranges::sort(b);
  return a == b;
}

bool has_name(const std::vector<std::string>& names, const std::string& name) {
  return std::ranges::find(names, name) != names.end();
}

std::string lowercase(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

const ManOption* item_for(const std::vector<ManOption>& items, const OptionSpec& option) {
  for (const auto& item : items) {
    for (const auto& name : option.names) {
      if (has_name(item.names, name)) return &item;
    }
  }
  return nullptr;
}

class Report {
 public:
  explicit Report(std::string file) : file_(std::move(file)) {}
  void add(const std::string& what) { problems_.push_back(file_ + ": " + what); }
  void add(int line, const std::string& what) {
    problems_.push_back(file_ + ":" + std::to_string(line) + ": " + what);
  }
  std::vector<std::string> problems() && { return std::move(problems_); }

 private:
  std::string file_;
  std::vector<std::string> problems_;
};

// How the page names a command and where its options belong: "ugetaddr" and
// "OPTIONS", or "uecho server" and "OPTIONS, .Ss server".
struct Place {
  std::string command;
  std::string list;
};

// The command's own options against the items listed for it.
void check_options(const CommandSpec& command, const std::vector<ManOption>& items,
                   const Place& place, Report& report) {
  for (const auto& option : command.options) {
    if (option.inherited) continue;
    const auto names = join(option.names, ", ");
    const auto* item = item_for(items, option);
    if (item == nullptr) {
      report.add(names + ": " + place.command + " has this option but " + place.list +
                 " does not list it");
      continue;
    }
    if (!same_names(item->names, option.names)) {
      report.add(item->line, "the item lists " + join(item->names, ", ") + " but " + place.command +
                                 "'s option is " + names);
    }
    if (item->takes_value && !option.takes_value) {
      report.add(item->line, names + " is a flag but the item shows a value (Ar)");
    } else if (!item->takes_value && option.takes_value) {
      report.add(item->line, names + " takes a value (" + option.value_name +
                                 ") but the item shows none (add Ar)");
    }
  }
  std::vector<std::string> seen;
  for (const auto& item : items) {
    for (const auto& name : item.names) {
      const bool known = std::ranges::any_of(command.options, [&name](const OptionSpec& option) {
        return !option.inherited && has_name(option.names, name);
      });
      if (!known) report.add(item.line, name + ": " + place.command + " has no such option");
      if (has_name(seen, name)) report.add(item.line, name + ": listed a second time");
      seen.push_back(name);
    }
  }
}

void check_synopsis(const ToolSpec& tool, const ManPage& page, Report& report) {
  std::vector<std::string> arguments;
  for (const auto& argument : page.synopsis_arguments)
    arguments.push_back(lowercase(argument));
  const auto check_arguments = [&](const CommandSpec& command, const std::string& name) {
    for (const auto& positional : command.positionals) {
      if (!has_name(arguments, lowercase(positional.name))) {
        report.add(positional.name + ": " + name +
                   " takes this argument but the SYNOPSIS does not show it (Ar " +
                   lowercase(positional.name) + ")");
      }
    }
  };
  check_arguments(tool, tool.name);
  for (const auto& subcommand : tool.subcommands) {
    const auto name = tool.name + " " + subcommand.name;
    if (!has_name(page.synopsis_commands, subcommand.name)) {
      report.add(subcommand.name + ": " + tool.name +
                 " has this subcommand but the SYNOPSIS does not show it (Cm " + subcommand.name +
                 ")");
    }
    check_arguments(subcommand, name);
  }
}

}  // namespace

std::vector<std::string> man_page_disagreements(const ToolSpec& tool,
                                                const std::filesystem::path& man_dir) {
  const auto path = man_dir / "man1" / (tool.name + ".1");
  Report report(path.string());
  std::ifstream in(path);
  if (!in) {
    report.add("missing: every tool has a man page");
    return std::move(report).problems();
  }
  auto page = read_man_page(in);
  check_options(tool, page.options[""], {tool.name, "OPTIONS"}, report);
  for (const auto& subcommand : tool.subcommands) {
    check_options(subcommand, page.options[subcommand.name],
                  {tool.name + " " + subcommand.name, "OPTIONS (.Ss " + subcommand.name + ")"},
                  report);
  }
  for (const auto& entry : page.options) {
    // Named copies: clang 14 cannot capture structured bindings in lambdas.
    const auto& command = entry.first;
    const auto& items = entry.second;
    const bool known = command.empty() || std::ranges::any_of(tool.subcommands, [&](const auto& s) {
                         return s.name == command;
                       });
    if (!known && !items.empty()) {
      report.add(items.front().line, "OPTIONS (.Ss " + command + ") lists options but " +
                                         tool.name + " has no subcommand " + command);
    }
  }
  check_synopsis(tool, page, report);
  return std::move(report).problems();
}

}  // namespace docgen
