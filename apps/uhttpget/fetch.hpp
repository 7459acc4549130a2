#pragma once
// One run of uhttpget: the request, the redirects it follows, and the
// response written to its output.

#include "cli.hpp"
#include "summary.hpp"
#include "usock/stack.hpp"

namespace uhttpget {

// Returns the exit code of a run that did not throw; fills `summary` as it
// goes, so a failure's summary still tells how far the run got.
int fetch(usock::Stack& stack, const Options& options, bool show_progress, Summary& summary);

}  // namespace uhttpget
