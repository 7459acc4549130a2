#pragma once

#include <string>
#include <string_view>

namespace usock::cli {

// The suite's version, "X.Y.Z".
std::string_view version_number();

// "<tool> (usock) X.Y.Z" and one line per library it was built with. A tool
// that links more (OpenSSL) names them in `more_libraries`, one per line.
std::string version_text(std::string_view tool, std::string_view more_libraries = {});

}  // namespace usock::cli
