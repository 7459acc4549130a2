#include "usock/http/head.hpp"

#include <algorithm>
#include <cctype>

namespace usock::http {
namespace {

using Status = ParseResult::Status;

ParseResult invalid(std::string error, int reply_status = 400) {
  ParseResult result;
  result.status = Status::invalid;
  result.error = std::move(error);
  result.reply_status = reply_status;
  return result;
}

// RFC 9110 tchar: the characters of methods and field names.
bool is_token_char(unsigned char c) {
  if (std::isalnum(c)) return true;
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return is_token_char(static_cast<unsigned char>(c));
  });
}

// Field values may hold visible characters, spaces, tabs and obs-text
// (bytes >= 0x80); never CR, LF, NUL or other controls.
bool is_field_value(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t') || byte == 0x7f;
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// "HTTP/1.x" -> x; -1 for anything else (HTTP/2 and later do not come as text).
int minor_version(std::string_view text) {
  if (text.size() != 8 || text.substr(0, 7) != "HTTP/1." ||
      !std::isdigit(static_cast<unsigned char>(text[7]))) {
    return -1;
  }
  return text[7] - '0';
}

// Splits the head into lines, without their line ends, after checking the
// limits; `lines` is empty unless the head is complete.
ParseResult split_head(std::string_view data, const Limits& limits, bool request,
                       std::vector<std::string_view>& lines) {
  lines.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = data.find('\n', start);
    const std::size_t line_end = newline == std::string_view::npos ? data.size() : newline;
    const bool first = lines.empty();
    if (line_end - start > limits.max_line) {
      return invalid(first ? (request ? "request line too long" : "status line too long")
                           : "header line too long",
                     first && request ? 414 : 431);
    }
    if (line_end > limits.max_head) return invalid("header fields too large", 431);
    if (newline == std::string_view::npos) return ParseResult{};
    std::string_view line = data.substr(start, newline - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = newline + 1;
    if (line.empty()) {
      // RFC 9112 2.2: a server SHOULD ignore empty lines before a request line.
      if (first && request) continue;
      if (first) return invalid("empty status line");
      ParseResult done;
      done.status = Status::complete;
      done.consumed = start;
      return done;
    }
    if (lines.size() > limits.max_headers) return invalid("too many header fields", 431);
    lines.push_back(line);
  }
}

ParseResult parse_fields(const std::vector<std::string_view>& lines, Headers& out) {
  out.clear();
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.front() == ' ' || line.front() == '\t') {
      return invalid("obsolete line folding in header field");
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return invalid("header line without a colon");
    const std::string_view name = line.substr(0, colon);
    if (!is_token(name)) return invalid("malformed header field name");
    const std::string_view value = trim(line.substr(colon + 1));
    if (!is_field_value(value)) return invalid("control character in header field value");
    out.push_back(Header{std::string(name), std::string(value)});
  }
  return ParseResult{};
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (iequals(header.name, name)) return &header.value;
  }
  return nullptr;
}

ParseResult parse_request_head(std::string_view data, RequestHead& out, const Limits& limits) {
  std::vector<std::string_view> lines;
  ParseResult result = split_head(data, limits, true, lines);
  if (result.status != Status::complete) return result;
  // request-line = method SP request-target SP HTTP-version, single spaces.
  const std::string_view line = lines.front();
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return invalid("malformed request line");
  }
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  const int minor = minor_version(line.substr(last_space + 1));
  if (!is_token(method)) return invalid("malformed method");
  if (target.empty() || target.find_first_of(" \t") != std::string_view::npos ||
      !is_field_value(target)) {
    return invalid("malformed request target");
  }
  if (minor < 0) return invalid("unsupported HTTP version", 505);
  if (const auto fields = parse_fields(lines, out.headers); fields.status == Status::invalid) {
    return fields;
  }
  out.method = std::string(method);
  out.target = std::string(target);
  out.minor_version = minor;
  return result;
}

ParseResult parse_response_head(std::string_view data, ResponseHead& out, const Limits& limits) {
  std::vector<std::string_view> lines;
  ParseResult result = split_head(data, limits, false, lines);
  if (result.status != Status::complete) return result;
  // status-line = HTTP-version SP 3DIGIT SP [reason-phrase]; some servers
  // omit the space before an empty reason, which we accept.
  const std::string_view line = lines.front();
  const int minor = minor_version(line.substr(0, 8));
  if (minor < 0 || line.size() < 12 || line[8] != ' ') return invalid("malformed status line");
  const std::string_view code = line.substr(9, 3);
  if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      code[0] == '0' || (line.size() > 12 && line[12] != ' ')) {
    return invalid("malformed status code");
  }
  const std::string_view reason = line.size() > 13 ? line.substr(13) : std::string_view{};
  if (!is_field_value(reason)) return invalid("control character in reason phrase");
  if (const auto fields = parse_fields(lines, out.headers); fields.status == Status::invalid) {
    return fields;
  }
  out.minor_version = minor;
  out.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  out.reason = std::string(reason);
  return result;
}

}  // namespace usock::http
