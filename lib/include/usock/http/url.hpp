#pragma once
// http:// and https:// URLs (RFC 3986) as a client needs them: where to
// connect, what to put in the request line and the Host field, and how a
// redirect's Location resolves against the URL it came from.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usock::http {

struct Url {
  std::string scheme;  // "http" or "https", lowercased
  std::string user;    // percent-decoded userinfo, empty when absent
  std::string password;
  bool has_userinfo = false;
  std::string host;        // lowercased; an IPv6 literal without its brackets
  std::uint16_t port = 0;  // the explicit port, or the scheme's default
  bool explicit_port = false;
  std::string target;  // origin-form for the request line: path and query

  bool is_ipv6_literal() const { return host.find(':') != std::string::npos; }
  // The Host field: host, bracketed if IPv6, with the port unless default.
  std::string authority() const;
  // The URL again, without userinfo or fragment.
  std::string text() const;
};

// Parses an absolute http(s) URL. A missing path becomes "/", the fragment
// is dropped, spaces and non-ASCII bytes in path and query are
// percent-encoded, and a '%' not followed by two hex digits becomes "%25".
// Returns nullopt and sets `error` for anything malformed: another scheme,
// an empty or invalid host, a port outside 1-65535, control characters.
std::optional<Url> parse_url(std::string_view text, std::string& error);

// Resolves a Location (absolute, scheme-relative, absolute-path or relative
// reference) against `base`, removing dot segments (RFC 3986 section 5.2).
std::optional<Url> resolve_reference(const Url& base, std::string_view reference,
                                     std::string& error);

}  // namespace usock::http
