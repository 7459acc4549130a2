#include "response_head.hpp"

#include <charconv>
#include <ctime>

#include "usock/http/date.hpp"

namespace userve {
namespace {

// Formatting the date costs more than the rest of a small response: each
// thread formats it once a second.
std::string_view current_date() {
  thread_local std::time_t formatted_at = -1;
  thread_local std::string text;
  const std::time_t now = std::time(nullptr);
  if (now != formatted_at) {
    text = usock::http::format_http_date(now);
    formatted_at = now;
  }
  return text;
}

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 414:
      return "URI Too Long";
    case 416:
      return "Range Not Satisfiable";
    case 431:
      return "Request Header Fields Too Large";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Internal Server Error";
  }
}

void start_head(std::string& out, int minor_version, int status) {
  out += minor_version == 0 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(status));
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  add_field(out, "Date", current_date());
  add_field(out, "Server", "userve");
}

void add_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

void add_field(std::string& out, std::string_view name, std::uint64_t value) {
  out += name;
  out += ": ";
  append_number(out, value);
  out += "\r\n";
}

void end_head(std::string& out, bool keep_alive) {
  add_field(out, "Connection", keep_alive ? "keep-alive" : "close");
  out += "\r\n";
}

}  // namespace userve
