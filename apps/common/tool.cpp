#include "tool.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "exit_codes.hpp"
#include "usock/device_stack.hpp"
#include "usock/error.hpp"
#include "usock/link.hpp"
#include "usock/link_error.hpp"
#include "usock/native_stack.hpp"
#include "usock/trace.hpp"
#include "version.hpp"

namespace usock::cli {
namespace {

// spdlog 1.10 ignores NO_COLOR (https://no-color.org), so we decide here.
spdlog::color_mode color_mode() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return spdlog::color_mode::never;
  return ::isatty(STDERR_FILENO) ? spdlog::color_mode::always : spdlog::color_mode::never;
}

spdlog::level::level_enum log_level(const CommonOptions& common) {
  if (common.quiet) return spdlog::level::err;
  switch (common.verbosity) {
    case 0:
      return spdlog::level::warn;
    case 1:
      return spdlog::level::info;
    case 2:
      return spdlog::level::debug;
    default:
      return spdlog::level::trace;
  }
}

void set_up_logging(const std::string& tool, const CommonOptions& common) {
  auto logger = spdlog::stderr_color_mt(tool, color_mode());
  logger->set_pattern("%n: %^%l%$: %v");
  logger->set_level(log_level(common));
  spdlog::set_default_logger(std::move(logger));
}

std::string read_agent(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  if (!file || text.str().empty()) {
    throw Failure(kExitFailure, "cannot read the agent " + path,
                  file ? "the file is empty" : std::strerror(errno));
  }
  return text.str();
}

// The stack the calls run on: this host's, or the board's named by --device.
std::unique_ptr<Stack> open_stack(const ToolCli& tool) {
  if (tool.common().device.empty()) return std::make_unique<NativeStack>();
  std::string error;
  const auto address = parse_link_uri(tool.common().device, error);
  DeviceOptions options;
  options.tool = tool.name();
  options.inject = !tool.common().no_inject;
  options.soft_reset = tool.common().soft_reset;
  options.agent_mtu = tool.common().agent_mtu;
  if (!tool.common().agent.empty()) options.agent = read_agent(tool.common().agent);
  return DeviceStack::open(*address, options);
}

// How long a finished tool waits for the board to take what it was sent.
constexpr auto kFinishTime = std::chrono::seconds(5);

}  // namespace

ToolCli::ToolCli(std::string name, std::string description)
    : name_(std::move(name)), app_(std::move(description), name_) {
  app_.set_version_flag("--version", version_text(name_), "Print the version and exit");
  app_.add_flag("-v,--verbose", common_.verbosity,
                "Log more on stderr (repeat for more: -vv debug, -vvv trace)");
  app_.add_flag("-q,--quiet", common_.quiet, "Log only errors on stderr")->excludes("-v");
  app_.add_flag("--trace", common_.trace,
                "Narrate every socket call on stderr in MicroPython syntax");
  auto* device =
      app_.add_option("--device", common_.device,
                      "Run the socket calls on a board: serial:///dev/ttyUSB0?baud=115200, a "
                      "device path, tcp://HOST:PORT or stdio")
          ->type_name("URI")
          ->check([](const std::string& uri) {
            std::string error;
            return parse_link_uri(uri, error) ? std::string() : error;
          });
  app_.add_option("--agent", common_.agent,
                  "With --device: the program to start on a board where no agent answers, "
                  "instead of the built-in agent")
      ->type_name("FILE")
      ->check(CLI::ExistingFile)
      ->needs(device);
  auto* no_inject = app_.add_flag("--no-inject", common_.no_inject,
                                  "With --device: never start the agent through the raw REPL; "
                                  "the board runs it from main.py")
                        ->needs(device);
  app_.add_flag("--soft-reset", common_.soft_reset,
                "With --device: soft-reset the board before starting the agent")
      ->needs(device)
      ->excludes(no_inject);
  app_.add_option("--agent-mtu", common_.agent_mtu,
                  "With --device: start the agent with frames of at most N bytes (256 to "
                  "1024), for a board short of heap")
      ->type_name("N")
      ->check(CLI::Range(256u, 1024u))
      ->needs(device)
      ->excludes(no_inject);
}

std::string describe_code(const OSError& error) {
  const auto name = errno_name(error.code());
  const std::string number = std::to_string(error.code());
  return name.empty() ? number : std::string(name) + ", " + number;
}

std::string describe_cause(const OSError& error) {
  return error.reason() + ", " + describe_code(error);
}

void report_error(std::string_view tool, std::string_view what, std::string_view cause) {
  std::string line = std::string(tool) + ": error: " + std::string(what);
  if (!cause.empty()) line += " (" + std::string(cause) + ")";
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void write_stdout(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    throw Failure(kExitWrite, "cannot write to standard output", std::strerror(errno));
  }
}

std::pair<std::string, std::string> explain(const std::exception& error) {
  if (const auto* failure = dynamic_cast<const Failure*>(&error)) {
    return {failure->what(), failure->cause()};
  }
  // A link error's message is a whole sentence with its cause in it.
  if (const auto* link_error = dynamic_cast<const LinkError*>(&error)) {
    return {link_error->reason(), {}};
  }
  if (const auto* os_error = dynamic_cast<const OSError*>(&error)) {
    return {os_error->reason(), describe_code(*os_error)};
  }
  return {error.what(), {}};
}

void rethrow_link_error(const std::exception& error) {
  if (dynamic_cast<const LinkError*>(&error) != nullptr) throw;
}

int exit_code_of(const std::exception& error) {
  const auto* failure = dynamic_cast<const Failure*>(&error);
  return failure != nullptr ? failure->exit_code() : exit_code_for(error);
}

int run_tool(ToolCli& tool, int argc, char** argv, const std::function<int(Stack&)>& body) {
  try {
    tool.app().parse(argc, argv);
  } catch (const CLI::Success& done) {
    // --help and --version: CLI11 prints them and reports success.
    return tool.app().exit(done);
  } catch (const CLI::ParseError& error) {
    // CLI11's own codes are 100 and up; scripts expect 2 for usage errors.
    report_error(tool.name(), error.what());
    std::fprintf(stderr, "Run '%s --help' for more information.\n", tool.name().c_str());
    return kExitUsage;
  }
  set_up_logging(tool.name(), tool.common());
  try {
    StreamTracer tracer(stderr);
    const auto stack = open_stack(tool);
    if (tool.common().trace) stack->set_tracer(&tracer);
    const int code = body(*stack);
    // A board may still hold data the tool sent, or reset before taking it:
    // success is only success once it has.
    stack->finish(Wait::until(Clock::now() + kFinishTime));
    return code;
  } catch (const std::exception& error) {
    const auto [what, cause] = explain(error);
    report_error(tool.name(), what, cause);
    return exit_code_of(error);
  }
}

}  // namespace usock::cli
