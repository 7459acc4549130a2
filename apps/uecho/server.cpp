#include "server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "exit_codes.hpp"
#include "tcp_worker.hpp"
#include "udp_worker.hpp"
#include "usock/error.hpp"

namespace uecho {
namespace {

std::atomic<bool> g_stopping{false};

extern "C" void request_stop(int) {
  g_stopping.store(true);
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// A bound socket for one worker. Every worker binds the same address with
// SO_REUSEPORT, so the kernel balances clients across their listeners.
usock::Socket open_listener(usock::Stack& stack, const usock::AddrInfo& where, bool udp) {
  usock::Socket socket = stack.socket(where.family, where.type, where.proto);
  socket.setsockopt(usock::sol::socket, usock::so::reuseaddr, 1);
  socket.setsockopt(usock::sol::socket, usock::so::reuseport, 1);
  try {
    socket.bind(where.addr);
    if (!udp) socket.listen();
  } catch (const usock::OSError& error) {
    throw usock::cli::Failure(usock::cli::kExitFailure, "cannot listen on " + where.addr.repr(),
                              usock::cli::describe_cause(error));
  }
  return socket;
}

usock::AddrInfo resolve(usock::Stack& stack, const Endpoint& endpoint) {
  const std::string host = endpoint.host_or_default();
  const std::string port = std::to_string(endpoint.port);
  const usock::SockType type = endpoint.udp ? usock::SockType::dgram : usock::SockType::stream;
  try {
    return stack.getaddrinfo(host, port, {endpoint.family, type, 0, usock::ai::passive}).at(0);
  } catch (const usock::OSError& error) {
    throw usock::cli::Failure(usock::cli::kExitResolve, "cannot resolve '" + host + "'",
                              error.reason() + ", " + std::to_string(error.code()));
  }
}

}  // namespace

int run_server(usock::Stack& stack, const Endpoint& endpoint, const ServerOptions& options,
               bool quiet) {
  install_stop_handlers();
  usock::AddrInfo where = resolve(stack, endpoint);
  const unsigned workers = options.once      ? 1
                           : options.workers ? options.workers
                                             : std::max(1u, std::thread::hardware_concurrency());

  std::vector<usock::Socket> sockets;
  sockets.push_back(open_listener(stack, where, endpoint.udp));
  // With --port 0 the first bind picks the port; the other workers share it.
  where.addr = sockets.front().getsockname();
  for (unsigned i = 1; i < workers; ++i)
    sockets.push_back(open_listener(stack, where, endpoint.udp));
  if (!quiet) {
    std::fprintf(stderr, "uecho: listening on %s (%s, %u worker%s)\n", where.addr.repr().c_str(),
                 endpoint.udp ? "udp" : "tcp", workers, workers == 1 ? "" : "s");
    std::fflush(stderr);
  }

  Reporter reporter;
  std::mutex failure_mutex;
  std::exception_ptr failure;
  const auto serve = [&](usock::Socket socket) {
    try {
      if (endpoint.udp) {
        UdpWorker(stack, std::move(socket), options, reporter).run(g_stopping);
      } else {
        TcpWorker(stack, std::move(socket), options, reporter).run(g_stopping);
      }
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      g_stopping.store(true);
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < sockets.size(); ++i)
    threads.emplace_back(serve, std::move(sockets[i]));
  serve(std::move(sockets.front()));
  if (options.once) g_stopping.store(true);
  for (auto& thread : threads)
    thread.join();
  if (failure) std::rethrow_exception(failure);
  spdlog::info("stopped");
  return usock::cli::kExitOk;
}

}  // namespace uecho
