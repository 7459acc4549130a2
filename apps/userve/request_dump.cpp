#include "request_dump.hpp"

#include <string>

#include "tool.hpp"
#include "usock/pyrepr.hpp"

namespace userve {

void RequestDump::print(const usock::SockAddr& peer, std::string_view head) {
  std::string text = "Request from " + peer.repr() + "\n\nRequest:\n";
  while (!head.empty()) {
    const std::size_t end = std::min(head.find('\n'), head.size() - 1) + 1;
    const std::string_view line = head.substr(0, end);
    head.remove_prefix(end);
    // The seed stops at the blank line, without printing it.
    if (line == "\r\n" || line == "\n") break;
    text += usock::py_repr_bytes(line);
    text += '\n';
  }
  text += '\n';
  const std::lock_guard lock(mutex_);
  usock::cli::write_stdout(text);
}

}  // namespace userve
