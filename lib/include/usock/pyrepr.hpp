#pragma once
// Python's repr() for the values the tools print, so output matches what the
// MicroPython and CPython examples print, quote for quote.

#include <string>
#include <string_view>

namespace usock {

// repr(str): single quotes unless the text holds ' and no ", escapes as Python.
// The text is taken as UTF-8; bytes that are not valid UTF-8 are shown \x-escaped.
std::string py_repr_str(std::string_view text);
// repr(bytes): b'...' with Python's quote choice and \t \n \r \xNN escapes.
std::string py_repr_bytes(std::string_view data);
// repr(bytes) cut to its first `limit` bytes, marked with how long it was,
// for narrating large payloads: b'abc'... (4096 bytes)
std::string py_repr_bytes_brief(std::string_view data, std::size_t limit = 48);

}  // namespace usock
