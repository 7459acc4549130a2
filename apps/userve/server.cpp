#include "server.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "announce.hpp"
#include "exit_codes.hpp"
#include "tool.hpp"
#include "usock/error.hpp"
#include "usock/tls.hpp"
#include "worker.hpp"

namespace userve {
namespace {

// Big enough that a burst of connections is not refused by the kernel
// before the workers accept them (nginx uses 511 too).
constexpr int kBacklog = 511;

std::atomic<bool> g_stopping{false};

extern "C" void request_stop(int) {
  g_stopping.store(true);
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // sendfile(2) to a client that went away raises SIGPIPE; the error is
  // handled where it happens instead.
  std::signal(SIGPIPE, SIG_IGN);
}

// Every connection is a descriptor: take all the kernel allows us, as
// nginx's worker_rlimit_nofile does, so --max-connections is the limit.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

usock::AddrInfo resolve(usock::Stack& stack, const Options& options) {
  const std::string port = std::to_string(options.port);
  try {
    return stack
        .getaddrinfo(options.bind, port,
                     {usock::Family::unspec, usock::SockType::stream, 0, usock::ai::passive})
        .at(0);
  } catch (const usock::OSError& error) {
    throw usock::cli::Failure(usock::cli::kExitResolve, "cannot resolve '" + options.bind + "'",
                              error.reason() + ", " + std::to_string(error.code()));
  }
}

// A listening socket for one worker; all bind the same address with
// SO_REUSEPORT, so the kernel balances clients across them.
usock::Socket open_listener(usock::Stack& stack, const usock::AddrInfo& where) {
  usock::Socket socket = stack.socket(where.family, where.type, where.proto);
  socket.setsockopt(usock::sol::socket, usock::so::reuseaddr, 1);
  socket.setsockopt(usock::sol::socket, usock::so::reuseport, 1);
  try {
    socket.bind(where.addr);
    socket.listen(kBacklog);
  } catch (const usock::OSError& error) {
    throw usock::cli::Failure(usock::cli::kExitFailure, "cannot listen on " + where.addr.repr(),
                              usock::cli::describe_cause(error));
  }
  return socket;
}

std::unique_ptr<usock::TlsServerContext> load_tls(const Options& options) {
  if (!options.cert_file) return nullptr;
  try {
    return std::make_unique<usock::TlsServerContext>(*options.cert_file, *options.key_file);
  } catch (const usock::OSError& error) {
    throw usock::cli::Failure(usock::cli::kExitUsage, "cannot use the certificate", error.reason());
  }
}

}  // namespace

int run_server(usock::Stack& stack, const Options& options, bool quiet) {
  install_signal_handlers();
  raise_descriptor_limit();
  const auto tls = load_tls(options);
  const auto site = options.root ? std::make_unique<StaticSite>(*options.root) : nullptr;
  // The seed narrates requests on the counter page; a file server logs access.
  std::unique_ptr<RequestDump> dump;
  if (!options.root && !quiet) dump = std::make_unique<RequestDump>();
  std::unique_ptr<AccessLog> access_log;
  if (options.access_log || (options.root && !quiet)) {
    access_log = std::make_unique<AccessLog>(options.access_log);
  }
  Responder responder(options, site.get());

  usock::AddrInfo where = resolve(stack, options);
  const unsigned workers =
      options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());
  std::vector<usock::Socket> listeners;
  listeners.push_back(open_listener(stack, where));
  // With --port 0 the first bind picks the port; the other workers share it.
  where.addr = listeners.front().getsockname();
  for (unsigned i = 1; i < workers; ++i)
    listeners.push_back(open_listener(stack, where));

  if (!quiet) {
    std::fprintf(stderr, "userve: listening on %s (%s, %u worker%s)\n", where.addr.repr().c_str(),
                 tls ? "https" : "http", workers, workers == 1 ? "" : "s");
    std::fflush(stderr);
    usock::cli::write_stdout("Listening, connect your browser to " +
                             browser_url(stack, where.addr, tls != nullptr) + "\n");
  }

  Shared shared{options,   responder,      dump.get(), access_log.get(),
                tls.get(), stack.tracer(), g_stopping};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  const auto serve = [&](usock::Socket listener) {
    try {
      Worker(stack, std::move(listener), shared).run();
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      g_stopping.store(true);
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < listeners.size(); ++i)
    threads.emplace_back(serve, std::move(listeners[i]));
  serve(std::move(listeners.front()));
  for (auto& thread : threads)
    thread.join();
  if (failure) std::rethrow_exception(failure);
  spdlog::info("stopped after {} requests", shared.requests_taken.load());
  return usock::cli::kExitOk;
}

}  // namespace userve
