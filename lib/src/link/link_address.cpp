#include "usock/address.hpp"
#include "usock/link.hpp"
#include "usock/serial.hpp"

namespace usock {
namespace {

constexpr std::string_view kExpected =
    "serial:///dev/ttyUSB0?baud=115200, /dev/ttyACM0, tcp://HOST:PORT or stdio";

// A name or IPv4 address; an IPv6 literal, only in brackets.
constexpr std::string_view kHostChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
constexpr std::string_view kIpv6Chars = "0123456789abcdefABCDEF:.";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::optional<unsigned> parse_baud(std::string_view text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  unsigned baud = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    baud = baud * 10 + static_cast<unsigned>(c - '0');
  }
  if (!is_supported_baud(baud)) return std::nullopt;
  return baud;
}

// "baud=115200&..." after a serial path; only baud is known so far.
bool parse_serial_options(std::string_view query, LinkAddress& address, std::string& error) {
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view option = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    const auto equals = option.find('=');
    const std::string_view name = option.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : option.substr(equals + 1);
    if (name != "baud") {
      error = "unknown device option '" + std::string(name) + "' (known: baud)";
      return false;
    }
    const auto baud = parse_baud(value);
    if (!baud) {
      error = "baud rate '" + std::string(value) + "' is not supported (9600, 115200, 921600, ...)";
      return false;
    }
    address.baud = *baud;
  }
  return true;
}

bool parse_serial(std::string_view rest, LinkAddress& address, std::string& error) {
  const auto question = rest.find('?');
  address.kind = LinkAddress::Kind::serial;
  address.path = std::string(rest.substr(0, question));
  if (address.path.size() < 2 || address.path[0] != '/') {
    error = "a serial device is an absolute path such as /dev/ttyUSB0";
    return false;
  }
  if (address.path.find('\0') != std::string::npos) {
    error = "the device path contains a NUL byte";
    return false;
  }
  return question == std::string_view::npos ||
         parse_serial_options(rest.substr(question + 1), address, error);
}

bool parse_tcp(std::string_view rest, LinkAddress& address, std::string& error) {
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host;
  std::string_view port;
  if (starts_with(rest, "[")) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || rest.substr(close + 1, 1) != ":") {
      error = "expected tcp://[IPv6]:PORT";
      return false;
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos || rest.substr(0, colon).find(':') != std::string::npos) {
      error = "expected tcp://HOST:PORT";
      return false;
    }
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  const bool bracketed = starts_with(rest, "[");
  const std::string_view allowed = bracketed ? kIpv6Chars : kHostChars;
  if (host.empty() || host.find_first_not_of(allowed) != std::string_view::npos ||
      bracketed != (host.find(':') != std::string_view::npos)) {
    error = "no usable host in tcp://" + std::string(rest);
    return false;
  }
  const auto number = parse_port(port);
  if (!number || *number == 0) {
    error = "port '" + std::string(port) + "' is not a number from 1 to 65535";
    return false;
  }
  address.kind = LinkAddress::Kind::tcp;
  address.host = std::string(host);
  address.port = *number;
  return true;
}

}  // namespace

std::string LinkAddress::text() const {
  switch (kind) {
    case Kind::serial:
      return "serial://" + path + "?baud=" + std::to_string(baud);
    case Kind::tcp:
      return "tcp://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
             std::to_string(port);
    case Kind::stdio:
      return "stdio";
  }
  return {};
}

std::optional<LinkAddress> parse_link_uri(std::string_view uri, std::string& error) {
  LinkAddress address;
  if (uri == "stdio" || uri == "-") {
    address.kind = LinkAddress::Kind::stdio;
    return address;
  }
  bool parsed = false;
  if (starts_with(uri, "serial://")) {
    parsed = parse_serial(uri.substr(9), address, error);
  } else if (starts_with(uri, "tcp://")) {
    parsed = parse_tcp(uri.substr(6), address, error);
  } else if (starts_with(uri, "/")) {
    parsed = parse_serial(uri, address, error);
  } else {
    error = "'" + std::string(uri) + "' is not a device (expected " + std::string(kExpected) + ")";
  }
  if (!parsed) return std::nullopt;
  return address;
}

}  // namespace usock
