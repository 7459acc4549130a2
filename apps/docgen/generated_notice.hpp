#pragma once
// The comment that opens every generated completion file.

#include <string>
#include <string_view>

namespace docgen {

// Shell comment lines, each ending in a newline.
std::string generated_notice(std::string_view tool);

}  // namespace docgen
