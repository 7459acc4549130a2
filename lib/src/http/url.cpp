#include "usock/http/url.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "usock/address.hpp"
#include "usock/error.hpp"

namespace usock::http {
namespace {

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

int hex_value(char c) {
  return std::isdigit(static_cast<unsigned char>(c))
             ? c - '0'
             : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Path and query as a request target: valid escapes stay, a stray '%',
// spaces and bytes outside ASCII's printable range are escaped; controls
// are refused (they would let a URL inject header lines).
std::optional<std::string> normalize_target(std::string_view text, std::string& error) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) {
      error = "control character in URL";
      return std::nullopt;
    }
    const bool escape_ok =
        byte == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2]);
    if ((byte == '%' && !escape_ok) || byte == ' ' || byte == '"' || byte == '<' || byte == '>' ||
        byte == '\\' || byte == '^' || byte == '`' || byte == '{' || byte == '|' || byte == '}' ||
        byte >= 0x80) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

bool valid_reg_name(std::string_view host) {
  // Letters, digits, '-', '.', '_' (seen in real names); no empty labels.
  if (host.empty() || host.size() > 253 || host.front() == '.') return false;
  bool previous_dot = false;
  for (const char c : host) {
    const bool dot = c == '.';
    if (dot && previous_dot) return false;
    previous_dot = dot;
    if (!dot && !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::uint16_t default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

// Removes "." and ".." segments (RFC 3986 5.2.4), keeping a trailing slash.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;  // path begins with '/'
  bool trailing_slash = false;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    trailing_slash = end == path.size() && (segment == "." || segment == "..");
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto segment : segments)
    out += "/" + std::string(segment);
  if (out.empty() || trailing_slash) out += "/";
  return out;
}

}  // namespace

std::string Url::authority() const {
  std::string out = host;
  if (is_ipv6_literal()) {
    // A zone's '%' is written "%25" inside the brackets (RFC 6874).
    std::string escaped;
    for (const char c : host)
      escaped += c == '%' ? std::string("%25") : std::string(1, c);
    out = "[" + escaped + "]";
  }
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::string Url::text() const {
  return scheme + "://" + authority() + target;
}

std::optional<Url> parse_url(std::string_view text, std::string& error) {
  Url url;
  const auto colon = text.find("://");
  if (colon == std::string_view::npos) {
    error = "no scheme (expected http:// or https://)";
    return std::nullopt;
  }
  url.scheme = lowercase(text.substr(0, colon));
  if (url.scheme != "http" && url.scheme != "https") {
    error = "unsupported scheme '" + url.scheme + "'";
    return std::nullopt;
  }
  std::string_view rest = text.substr(colon + 3);
  rest = rest.substr(0, rest.find('#'));
  const auto authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view path_and_query =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const auto separator = userinfo.find(':');
    url.user = percent_decode(userinfo.substr(0, separator));
    if (separator != std::string_view::npos)
      url.password = percent_decode(userinfo.substr(separator + 1));
    url.has_userinfo = true;
    authority.remove_prefix(at + 1);
  }

  std::string_view host;
  std::optional<std::string_view> port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unbalanced '[' in host";
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      error = "junk after IPv6 address";
      return std::nullopt;
    }
    if (!after.empty()) port_text = after.substr(1);
    // An optional zone follows as "%25" and a name (RFC 6874): "fe80::1%25eth0".
    const auto percent = host.find('%');
    const std::string address(host.substr(0, percent));
    std::string zone;
    if (percent != std::string_view::npos) {
      const std::string_view encoded = host.substr(percent);
      const bool named = encoded.size() > 3 && encoded.substr(0, 3) == "%25" &&
                         std::all_of(encoded.begin() + 3, encoded.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                                  c == '_' || c == '~' || c == '-';
                         });
      if (!named) {
        error = "invalid IPv6 zone in '" + std::string(host) + "'";
        return std::nullopt;
      }
      zone = "%" + std::string(encoded.substr(3));
    }
    try {
      inet_pton(Family::inet6, address);
    } catch (const OSError&) {
      error = "invalid IPv6 address '" + std::string(host) + "'";
      return std::nullopt;
    }
    url.host = lowercase(address) + zone;
  } else {
    const auto port_colon = authority.rfind(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) port_text = authority.substr(port_colon + 1);
    url.host = lowercase(host);
    if (!valid_reg_name(url.host)) {
      error = url.host.empty() ? "no host" : "invalid host name '" + std::string(host) + "'";
      return std::nullopt;
    }
  }

  url.port = default_port(url.scheme);
  // RFC 3986 3.2.3: an empty port ("http://h:/") is the scheme's default.
  if (port_text && !port_text->empty()) {
    const auto port = parse_port(*port_text);
    if (!port || *port == 0) {
      error = "port '" + std::string(*port_text) + "' is not a number from 1 to 65535";
      return std::nullopt;
    }
    url.port = *port;
    url.explicit_port = true;
  }

  const auto target = normalize_target(path_and_query, error);
  if (!target) return std::nullopt;
  url.target = target->empty() || target->front() == '?' ? "/" + *target : *target;
  return url;
}

std::optional<Url> resolve_reference(const Url& base, std::string_view reference,
                                     std::string& error) {
  reference = reference.substr(0, reference.find('#'));
  if (reference.find("://") != std::string_view::npos &&
      reference.find("://") < reference.find_first_of("/?")) {
    return parse_url(reference, error);
  }
  if (reference.substr(0, 2) == "//")
    return parse_url(base.scheme + ":" + std::string(reference), error);
  Url url = base;
  std::string_view path = reference.substr(0, reference.find('?'));
  const std::string_view query = reference.find('?') == std::string_view::npos
                                     ? std::string_view{}
                                     : reference.substr(reference.find('?'));
  std::string merged;
  if (path.empty()) {
    // Only a query (or nothing): the base path stays.
    merged = base.target.substr(0, base.target.find('?'));
  } else if (path.front() == '/') {
    merged = std::string(path);
  } else {
    const std::string base_path = base.target.substr(0, base.target.find('?'));
    merged = base_path.substr(0, base_path.rfind('/') + 1) + std::string(path);
  }
  const auto target = normalize_target(remove_dot_segments(merged) + std::string(query), error);
  if (!target) return std::nullopt;
  url.target = *target;
  return url;
}

}  // namespace usock::http
