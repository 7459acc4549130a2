// Issue 6's "16 pipelined sends cost no more wall time than 2 sequential
// ones", measured through a device (bench/proxy/run runs it over
// `uboard --latency 10`):
//
//   usock-bench-pipeline DEVICE PORT ROUNDS
//
// connects through DEVICE to the echo server on 127.0.0.1:PORT and prints
// one JSON object with the wall time of each round, in milliseconds:
// "sequential_2" sends 64 bytes and waits for their echo, twice;
// "pipelined_16" sends 64 bytes 16 times back to back, then waits for all
// 1024 echoed bytes. A send is never awaited (PROTOCOL.md 10), so the
// sixteen should cost one round trip and the two, two.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "usock/device_stack.hpp"
#include "usock/link.hpp"
#include "usock/socket.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMessage = 64;

void await_echo(usock::Socket& socket, std::size_t size) {
  for (std::size_t got = 0; got < size;) {
    const std::string piece = socket.recv(size - got);
    if (piece.empty()) throw std::runtime_error("the echo server closed the connection");
    got += piece.size();
  }
}

double timed_round(usock::Socket& socket, int sends, bool wait_each) {
  const std::string message(kMessage, 'x');
  const auto start = Clock::now();
  for (int send = 0; send < sends; ++send) {
    socket.sendall(message);
    if (wait_each) await_echo(socket, kMessage);
  }
  if (!wait_each) await_echo(socket, kMessage * static_cast<std::size_t>(sends));
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string json_list(const std::vector<double>& values) {
  std::string text = "[";
  for (const double value : values) {
    char number[32];
    std::snprintf(number, sizeof number, "%s%.2f", text.size() > 1 ? ", " : "", value);
    text += number;
  }
  return text + "]";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: usock-bench-pipeline DEVICE PORT ROUNDS\n");
    return 2;
  }
  // The library logs to stdout, which holds the JSON here.
  spdlog::set_level(spdlog::level::warn);
  try {
    std::string error;
    const auto address = usock::parse_link_uri(argv[1], error);
    if (!address) throw std::runtime_error(error);
    usock::DeviceOptions options;
    options.tool = "usock-bench-pipeline";
    const auto stack = usock::DeviceStack::open(*address, options);
    const auto found = stack->getaddrinfo("127.0.0.1", argv[2]);
    usock::Socket socket = stack->socket();
    socket.settimeout(10.0);
    socket.connect(found.at(0).addr);
    std::vector<double> sequential;
    std::vector<double> pipelined;
    const int rounds = std::atoi(argv[3]);
    for (int round = 0; round < rounds; ++round) {
      sequential.push_back(timed_round(socket, 2, true));
      pipelined.push_back(timed_round(socket, 16, false));
    }
    socket.close();
    stack->finish(usock::Wait::until(usock::Clock::now() + std::chrono::seconds(5)));
    std::printf("{\"sequential_2\": %s, \"pipelined_16\": %s}\n", json_list(sequential).c_str(),
                json_list(pipelined).c_str());
    return 0;
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "usock-bench-pipeline: %s\n", failure.what());
    return 1;
  }
}
