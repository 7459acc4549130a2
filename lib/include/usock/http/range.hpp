#pragma once
// The Range request field (RFC 9110 section 14.2) for one byte range, as a
// static file server answers it: a satisfiable range gets 206, a range past
// the end 416, and anything else (another unit, several ranges, nonsense) is
// ignored for a plain 200, as the RFC lets a server do.

#include <cstdint>
#include <string_view>

namespace usock::http {

struct ByteRange {
  enum class Kind { ignore, satisfiable, unsatisfiable };
  Kind kind = Kind::ignore;
  std::uint64_t first = 0;  // when satisfiable: inclusive bounds within the file
  std::uint64_t last = 0;
};

ByteRange parse_byte_range(std::string_view value, std::uint64_t file_size);

}  // namespace usock::http
