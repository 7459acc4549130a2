#pragma once
// Runs one API call under the tracer: narrates the statement, then the result
// or the exception. The statement and repr are built only when tracing is on.

#include <optional>
#include <string>
#include <type_traits>

#include "usock/error.hpp"
#include "usock/trace.hpp"

namespace usock::detail {

template <class Statement, class Call>
decltype(auto) traced(Tracer* tracer, Statement&& statement, Call&& call) {
  if (tracer == nullptr) return call();
  tracer->call(statement());
  try {
    return call();
  } catch (const OSError& error) {
    tracer->raised(error);
    throw;
  }
}

// As traced(), and also shows the value the call returned through `repr`.
template <class Statement, class Call, class Repr>
auto traced_result(Tracer* tracer, Statement&& statement, Call&& call, Repr&& repr) {
  if (tracer == nullptr) return call();
  tracer->call(statement());
  try {
    auto value = call();
    const std::string shown = repr(value);
    if (!shown.empty()) tracer->result(shown);
    return value;
  } catch (const OSError& error) {
    tracer->raised(error);
    throw;
  }
}

// A timeout as Python writes it: None, 0, 2.5
std::string repr_timeout(const std::optional<double>& seconds);

}  // namespace usock::detail
