#pragma once
// The Content-Type of a served file, from its extension (case-insensitive),
// as nginx's mime.types maps the common ones; anything else is
// application/octet-stream, which browsers download rather than guess.

#include <string_view>

namespace userve {

std::string_view content_type_for(std::string_view path);

}  // namespace userve
