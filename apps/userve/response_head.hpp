#pragma once
// Writing a response head: the status line and the fields every response
// carries (Date, Server), appended to a connection's output buffer.

#include <cstdint>
#include <string>
#include <string_view>

namespace userve {

std::string_view reason_phrase(int status);

// "HTTP/1.<minor> <status> <reason>", Date and Server.
void start_head(std::string& out, int minor_version, int status);
void add_field(std::string& out, std::string_view name, std::string_view value);
void add_field(std::string& out, std::string_view name, std::uint64_t value);
// Connection, then the blank line.
void end_head(std::string& out, bool keep_alive);

}  // namespace userve
