#pragma once
// What every tool shares: the common options (-v, -q, --trace, --version),
// logging set-up, error reporting as "<tool>: error: <what> (<cause>)", and a
// main() wrapper that turns parse errors into exit 2 and exceptions into the
// codes of exit_codes.hpp. A tool's options live in a ToolCli subclass so
// that usock-docgen can walk them to write completions and check the man page.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace usock {
class OSError;
class Stack;
}  // namespace usock

namespace usock::cli {

struct CommonOptions {
  int verbosity = 0;  // -v repeats
  bool quiet = false;
  bool trace = false;
  std::string device;  // --device URI: run the socket calls on a board
  std::string agent;   // --agent FILE: upload this instead of the built-in agent
  bool no_inject = false;
  bool soft_reset = false;
  unsigned agent_mtu = 0;  // --agent-mtu N: the started agent's largest frame; 0: its own
};

class ToolCli {
 public:
  ToolCli(std::string name, std::string description);
  virtual ~ToolCli() = default;
  ToolCli(const ToolCli&) = delete;
  ToolCli& operator=(const ToolCli&) = delete;

  CLI::App& app() noexcept { return app_; }
  const std::string& name() const noexcept { return name_; }
  const CommonOptions& common() const noexcept { return common_; }

 private:
  std::string name_;
  CLI::App app_;
  CommonOptions common_;
};

// A failure a tool explains itself: reported as "<tool>: error: <what> (<cause>)"
// and ending the run with `exit_code`.
class Failure : public std::runtime_error {
 public:
  Failure(int exit_code, std::string what, std::string cause = {})
      : std::runtime_error(std::move(what)), exit_code_(exit_code), cause_(std::move(cause)) {}
  int exit_code() const noexcept { return exit_code_; }
  const std::string& cause() const noexcept { return cause_; }

 private:
  int exit_code_;
  std::string cause_;
};

// "<tool>: error: <what> (<cause>)" on stderr; the cause is left out if empty.
void report_error(std::string_view tool, std::string_view what, std::string_view cause = {});

// The code part of an error's cause: "ECONNREFUSED, 111", or "-2" for the resolver.
std::string describe_code(const OSError& error);
// A whole cause: "Connection refused, ECONNREFUSED, 111".
std::string describe_cause(const OSError& error);

// What an error that ends a run is reported as: its "what" and its "cause"
// (empty if none), as report_error prints them; and the code it exits with,
// a Failure's own, else exit_code_for's.
std::pair<std::string, std::string> explain(const std::exception& error);
int exit_code_of(const std::exception& error);

// Rethrows the exception being handled when `error` is a LinkError: a failure
// of the line to a board ends the run with its own message and exit code
// (PROTOCOL.md 13), whatever the tool was doing. Called first in handlers
// that translate socket errors into a tool's own failures.
void rethrow_link_error(const std::exception& error);

// Parses argv into `tool`, sets up logging, opens the network stack the tool
// runs on (this host's, or a board's with --device; narrated on stderr with
// --trace), runs `body` on it, finishes the stack and maps failures to exit
// codes. `body` returns the exit code of a run that did not throw. Tools get
// their Stack only here, so every tool runs on every stack.
int run_tool(ToolCli& tool, int argc, char** argv, const std::function<int(Stack&)>& body);

// Writes `text` to stdout and flushes; a failed write is a Failure with exit 23.
void write_stdout(std::string_view text);

}  // namespace usock::cli
