#pragma once
// Single-quoted string literals for the shells completions are written for.

#include <string>
#include <string_view>

namespace docgen {

// For bash and zsh: 'it'\''s'.
std::string posix_quoted(std::string_view text);

// For fish, where a backslash escapes ' and \ inside single quotes: 'it\'s'.
std::string fish_quoted(std::string_view text);

}  // namespace docgen
