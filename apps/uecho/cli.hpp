#pragma once
// uecho's options: `uecho server` and `uecho client`, the echo pair of the
// socket programming notes (seed 003), grown into a throughput and latency
// tool.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "tool.hpp"
#include "usock/constants.hpp"

namespace uecho {

// Where the server listens or the client connects.
struct Endpoint {
  std::optional<std::string> host;  // default: 127.0.0.1, or ::1 with -6
  std::uint16_t port = 65432;
  usock::Family family = usock::Family::unspec;
  bool udp = false;

  std::string host_or_default() const;
};

struct ServerOptions {
  bool once = false;
  unsigned workers = 0;  // 0: one per core
  std::size_t max_clients = 4096;
  double idle_timeout = 0;  // seconds; 0: never
};

struct ClientOptions {
  std::string message = "Hello, world";
  std::optional<std::uint64_t> bytes;  // bulk mode
  std::uint64_t window =
      std::numeric_limits<std::uint64_t>::max();  // bulk mode: most bytes sent but not yet echoed
  std::optional<unsigned> count;                  // ping mode
  double interval = 1.0;
  double timeout = 10.0;
  bool json = false;
};

class Cli final : public usock::cli::ToolCli {
 public:
  Cli();
  bool server_chosen() const { return server_->parsed(); }
  const Endpoint& endpoint() const noexcept { return endpoint_; }
  const ServerOptions& server() const noexcept { return server_options_; }
  const ClientOptions& client() const noexcept { return client_options_; }

 private:
  void add_endpoint_options(CLI::App& command);

  Endpoint endpoint_;
  ServerOptions server_options_;
  ClientOptions client_options_;
  CLI::App* server_ = nullptr;
  CLI::App* client_ = nullptr;
};

}  // namespace uecho
