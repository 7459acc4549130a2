#include "usock/link_error.hpp"

#include <cerrno>
#include <utility>

namespace usock {

LinkError::LinkError(Kind kind, std::string message)
    : OSError(ENOLINK, std::move(message)), kind_(kind) {}

}  // namespace usock
