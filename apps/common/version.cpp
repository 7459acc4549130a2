#include "version.hpp"

#include <fmt/core.h>
#include <spdlog/version.h>

#include <CLI/Version.hpp>

namespace usock::cli {

std::string_view version_number() {
  return USOCK_VERSION;
}

std::string version_text(std::string_view tool, std::string_view more_libraries) {
  return fmt::format(
      "{} (usock) {}\n"
      "CLI11 {}\n"
      "spdlog {}.{}.{}\n"
      "fmt {}.{}.{}\n"
      "{}",
      tool, USOCK_VERSION, CLI11_VERSION, SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH,
      FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100, more_libraries);
}

}  // namespace usock::cli
