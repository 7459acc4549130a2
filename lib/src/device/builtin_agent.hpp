#pragma once
// The MicroPython agent compiled into the library from
// firmware/micropython/usock_agent.py (lib/cmake/embed_file.cmake).

#include <string_view>

namespace usock::device {

std::string_view builtin_agent();

}  // namespace usock::device
