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

const ManOption* item_for(const ManPage& page, const OptionSpec& option) {
  for (const auto& item : page.options) {
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

void check_options(const ToolSpec& tool, const ManPage& page, Report& report) {
  for (const auto& option : tool.options) {
    const auto names = join(option.names, ", ");
    const auto* item = item_for(page, option);
    if (item == nullptr) {
      report.add(names + ": " + tool.name + " has this option but OPTIONS does not list it");
      continue;
    }
    if (!same_names(item->names, option.names)) {
      report.add(item->line, "the item lists " + join(item->names, ", ") + " but " + tool.name +
                                 "'s option is " + names);
    }
    if (item->takes_value && !option.takes_value) {
      report.add(item->line, names + " is a flag but the item shows a value (Ar)");
    } else if (!item->takes_value && option.takes_value) {
      report.add(item->line, names + " takes a value (" + option.value_name +
                                 ") but the item shows none (add Ar)");
    }
  }
}

void check_items(const ToolSpec& tool, const ManPage& page, Report& report) {
  std::vector<std::string> seen;
  for (const auto& item : page.options) {
    for (const auto& name : item.names) {
      const bool known = std::ranges::any_of(
          tool.options, [&name](const OptionSpec& option) { return has_name(option.names, name); });
      if (!known) report.add(item.line, name + ": " + tool.name + " has no such option");
      if (has_name(seen, name)) report.add(item.line, name + ": listed a second time");
      seen.push_back(name);
    }
  }
}

void check_synopsis(const ToolSpec& tool, const ManPage& page, Report& report) {
  std::vector<std::string> arguments;
  for (const auto& argument : page.synopsis_arguments)
    arguments.push_back(lowercase(argument));
  for (const auto& positional : tool.positionals) {
    if (!has_name(arguments, lowercase(positional.name))) {
      report.add(positional.name + ": " + tool.name +
                 " takes this argument but the SYNOPSIS does not show it (Ar " +
                 lowercase(positional.name) + ")");
    }
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
  const auto page = read_man_page(in);
  check_options(tool, page, report);
  check_items(tool, page, report);
  check_synopsis(tool, page, report);
  return std::move(report).problems();
}

}  // namespace docgen
