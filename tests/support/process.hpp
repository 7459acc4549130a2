#pragma once
// Runs a program the way a user's shell would, for CLI tests: argv, extra
// environment, stdin text, a hard time limit; returns what it printed and how
// it ended. A program still running at the limit is killed, so no test hangs.

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace usock::test {

struct RunOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) ours
  std::vector<std::string> unset_env;
  std::string stdin_text;
  std::chrono::milliseconds timeout{20000};
};

struct RunResult {
  int exit_code = -1;  // the exit status, or -1 when killed by a signal
  int signal = 0;      // the signal that ended it, if any
  bool timed_out = false;
  std::string out;
  std::string err;
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// Options that feed `text` to the program's stdin.
inline RunOptions with_stdin(std::string text) {
  RunOptions options;
  options.stdin_text = std::move(text);
  return options;
}

// The path of a built tool: USOCK_BIN_DIR (set by CTest) / name.
std::string tool_path(const std::string& name);

}  // namespace usock::test
