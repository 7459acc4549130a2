#pragma once
// What a board prints outside frames (PROTOCOL.md 3.4): boot banners,
// tracebacks, REPL prompts. Such text is logged, and a few lines in it
// announce that the board reset or the agent is gone.

#include <optional>
#include <string_view>

namespace usock::proxy {

// Whether `line` reads as console text: well-formed UTF-8 of printable
// characters, tabs and line endings, with ESC (ANSI colours) and EOT (the
// raw REPL's end of output) making up at most a tenth of it.
bool is_console_text(std::string_view line);

struct ConsoleMarker {
  enum class Kind { reset, agent_gone, agent_crashed };
  Kind kind;
  std::string_view marker;  // the text that matched, for the log
};

// The marker in a console line, if it holds one. A marker is only a hint:
// the link confirms it before it ends a session.
std::optional<ConsoleMarker> find_console_marker(std::string_view line);

}  // namespace usock::proxy
