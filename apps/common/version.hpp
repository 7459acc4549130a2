#pragma once

#include <string>
#include <string_view>

namespace usock::cli {

// "<tool> (usock) X.Y.Z" and one line per library it was built with.
std::string version_text(std::string_view tool);

}  // namespace usock::cli
