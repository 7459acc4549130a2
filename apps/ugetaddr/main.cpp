// ugetaddr: getaddrinfo from the shell, printed as the MicroPython docs print it.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "cli.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "usock/error.hpp"
#include "usock/names.hpp"
#include "usock/pyrepr.hpp"
#include "usock/stack.hpp"

namespace ugetaddr {
namespace {

using usock::cli::Failure;
using usock::cli::kExitResolve;
using usock::cli::kExitUsage;

std::string resolver_cause(const usock::OSError& error) {
  return error.reason() + ", " + std::to_string(error.code());
}

// What could not be resolved: the port is named only when it is the culprit.
std::string target(const Options& options, int code = 0) {
  std::string out = usock::py_repr_str(options.host);
  if (options.port && code == usock::eai::service) {
    out += " port " + usock::py_repr_str(*options.port);
  }
  return out;
}

int forward(usock::Stack& stack, const Options& options) {
  spdlog::info("resolving {} on the {} stack (flags: {})", target(options), stack.description(),
               fmt::join(usock::ai_flag_names(options.hints.flags), ","));
  const auto started = std::chrono::steady_clock::now();
  std::vector<usock::AddrInfo> infos;
  try {
    infos = stack.getaddrinfo(options.host, options.port, options.hints);
  } catch (const usock::OSError& error) {
    if (!error.is_resolver_error()) throw;
    throw Failure(kExitResolve, "cannot resolve " + target(options, error.code()),
                  resolver_cause(error));
  }
  const auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
  spdlog::info("{} result(s) in {:.1f} ms", infos.size(), elapsed.count());
  usock::cli::write_stdout(format_results(options.format, infos));
  return usock::cli::kExitOk;
}

int reverse(usock::Stack& stack, const Options& options) {
  usock::SockAddr addr;
  try {
    addr = usock::SockAddr::from_numeric(options.host, 0);
  } catch (const usock::OSError&) {
    throw Failure(kExitUsage, "reverse look-up needs a numeric address, not " +
                                  usock::py_repr_str(options.host));
  }
  if (const auto number = options.port ? usock::parse_port(*options.port) : std::nullopt) {
    addr = usock::SockAddr::from_numeric(options.host, *number);
  } else if (options.port) {
    // A named service ("http") is looked up to learn its number.
    const auto infos =
        stack.getaddrinfo(options.host, options.port,
                          {addr.family(), usock::SockType::stream, 0, usock::ai::numerichost});
    addr = infos.at(0).addr;
  }
  usock::NameInfo name;
  try {
    name = stack.getnameinfo(addr, usock::ni::namereqd);
  } catch (const usock::OSError& error) {
    if (!error.is_resolver_error()) throw;
    throw Failure(kExitResolve, "no name for " + usock::py_repr_str(options.host),
                  resolver_cause(error));
  }
  usock::cli::write_stdout(format_name(options.format, name));
  return usock::cli::kExitOk;
}

}  // namespace
}  // namespace ugetaddr

int main(int argc, char** argv) {
  ugetaddr::Cli cli;
  return usock::cli::run_tool(cli, argc, argv, [&cli](usock::Stack& stack) {
    const auto& options = cli.options();
    return options.reverse ? ugetaddr::reverse(stack, options) : ugetaddr::forward(stack, options);
  });
}
