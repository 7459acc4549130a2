#include "reporter.hpp"

#include <string>

#include "tool.hpp"

namespace uecho {

void Reporter::line(std::string_view text) {
  const std::string whole = std::string(text) + "\n";
  const std::lock_guard lock(mutex_);
  usock::cli::write_stdout(whole);
}

}  // namespace uecho
