#include "usock/http/path.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "usock/http/head.hpp"

namespace usock::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

TargetPath refused(int status, std::string error) {
  TargetPath refusal;
  refusal.reply_status = status;
  refusal.error = std::move(error);
  return refusal;
}

// The path part of an origin-form or absolute-form target; nullopt when the
// target is neither.
std::optional<std::string_view> path_of(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && iequals(target.substr(0, scheme.size()), scheme)) {
      const std::string_view rest = target.substr(scheme.size());
      const std::size_t slash = rest.find_first_of("/?#");
      if (slash == std::string_view::npos || rest[slash] != '/') return std::string_view("/");
      return rest.substr(slash);
    }
  }
  if (target.empty() || target.front() != '/') return std::nullopt;
  return target;
}

}  // namespace

TargetPath target_path(std::string_view target) {
  const auto path = path_of(target);
  if (!path) return refused(400, "the target is not a path");
  const std::string_view raw = path->substr(0, path->find_first_of("?#"));

  std::vector<std::string> segments;
  bool directory = true;
  std::size_t start = 1;  // past the leading '/'
  while (start <= raw.size()) {
    const std::size_t end = std::min(raw.find('/', start), raw.size());
    std::string segment;
    for (std::size_t i = start; i < end; ++i) {
      char c = raw[i];
      if (c == '%') {
        const int high = i + 2 < end ? hex_value(raw[i + 1]) : -1;
        const int low = high >= 0 ? hex_value(raw[i + 2]) : -1;
        if (low < 0) return refused(400, "a '%' not followed by two hex digits");
        c = static_cast<char>(high * 16 + low);
        i += 2;
        if (c == '/') return refused(404, "an escaped '/' in a path segment");
      }
      if (c == '\0') return refused(400, "a NUL byte in the path");
      if (c == '\\') return refused(404, "a '\\' in the path");
      segment += c;
    }
    // "/a/." and "/a/.." name directories as "/a/" does.
    directory = segment.empty() || segment == "." || segment == "..";
    if (segment == "..") {
      if (segments.empty()) return refused(403, "the path climbs above the root");
      segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = end + 1;
  }

  TargetPath result;
  for (const auto& segment : segments) {
    if (!result.relative.empty()) result.relative += '/';
    result.relative += segment;
  }
  result.directory = directory;
  return result;
}

}  // namespace usock::http
