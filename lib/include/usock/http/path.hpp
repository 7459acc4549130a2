#pragma once
// The file a server may look up for a request target: the path percent-
// decoded and normalised into segments under the served root. Built for
// hostile input: a target that climbs above the root ("/../x", "/%2e%2e/x"),
// hides a slash or NUL in an escape ("%2f", "%00"), or is not a path at all
// is refused with the status to answer, never mapped to a file.

#include <string>
#include <string_view>

namespace usock::http {

struct TargetPath {
  // Segments joined by '/', without leading or trailing slash; empty for the
  // root. No segment is empty, ".", "..", or holds '/', '\\' or NUL.
  std::string relative;
  // The target named a directory ("/docs/"), so an index file is wanted.
  bool directory = false;
  // When not 0, the target is refused with this status (400 malformed, 403
  // climbs out of the root, 404 an encoded separator) and `error` says why.
  int reply_status = 0;
  std::string error;
};

// Origin-form ("/a/b?q") or absolute-form ("http://host/a/b") targets; the
// query is dropped. Escapes of dots count as dots (RFC 3986 section 2.3), so
// "%2e%2e" is "..", and dot segments are removed after decoding.
TargetPath target_path(std::string_view target);

}  // namespace usock::http
