// uhttpget: the HTTP clients of the MicroPython socket docs, grown into one
// that can stand in for curl in scripts.

#include <csignal>
#include <cstdio>
#include <fstream>

#include "cli.hpp"
#include "exit_codes.hpp"
#include "fetch.hpp"
#include "progress.hpp"
#include "summary.hpp"
#include "usock/error.hpp"
#include "usock/tls.hpp"
#include "version.hpp"

namespace uhttpget {
namespace {

using usock::cli::Failure;

// The error line run_tool prints, for the summary.
std::string error_message(const std::exception& error) {
  const auto [what, cause] = usock::cli::explain(error);
  return cause.empty() ? what : what + " (" + cause + ")";
}

void write_summary(const std::string& path, const Summary& summary) {
  const std::string json = to_json(summary);
  if (path == "-") {
    usock::cli::write_stdout(json);
    return;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!(file << json) || !file.flush()) {
    throw Failure(usock::cli::kExitWrite, "cannot write the summary to '" + path + "'");
  }
}

int run(usock::Stack& stack, const Cli& cli) {
  const Options& options = cli.options();
  const bool show_progress =
      !options.silent && !cli.common().quiet && usock::cli::Progress::stderr_is_terminal();
  Summary summary;
  if (!options.summary) return fetch(stack, options, show_progress, summary);
  try {
    summary.exit_code = fetch(stack, options, show_progress, summary);
  } catch (const std::exception& error) {
    summary.exit_code = usock::cli::exit_code_of(error);
    summary.error = error_message(error);
    write_summary(*options.summary, summary);
    throw;
  }
  write_summary(*options.summary, summary);
  return summary.exit_code;
}

}  // namespace
}  // namespace uhttpget

int main(int argc, char** argv) {
  // A closed stdout (uhttpget URL | head -c 10) is a write error, exit 23 as
  // curl's, not a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  uhttpget::Cli cli;
  cli.app().set_version_flag(
      "--version", usock::cli::version_text("uhttpget", usock::tls_library_version() + "\n"),
      "Print the version and exit");
  return usock::cli::run_tool(cli, argc, argv,
                              [&cli](usock::Stack& stack) { return uhttpget::run(stack, cli); });
}
