#include "usock/trace.hpp"

#include <string>

#include "usock/error.hpp"

namespace usock {

void StreamTracer::call(std::string_view statement) {
  std::fprintf(out_, ">>> %.*s\n", static_cast<int>(statement.size()), statement.data());
  std::fflush(out_);
}

void StreamTracer::result(std::string_view repr) {
  std::fprintf(out_, "%.*s\n", static_cast<int>(repr.size()), repr.data());
  std::fflush(out_);
}

void StreamTracer::raised(const OSError& error) {
  // MicroPython prints the symbolic errno where it knows one: [Errno 111] ECONNREFUSED
  const auto name = errno_name(error.code());
  const std::string detail = name.empty() ? error.reason() : std::string(name);
  std::fprintf(out_, "OSError: [Errno %d] %s\n", error.code(), detail.c_str());
  std::fflush(out_);
}

}  // namespace usock
