#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace docgen {

std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace docgen
