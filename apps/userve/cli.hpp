#pragma once
// userve's options: the counter web server of the MicroPython notes (seed
// 001), grown into a static file server with keep-alive, TLS and limits.

#include <cstdint>
#include <optional>
#include <string>

#include "tool.hpp"

namespace userve {

struct Options {
  std::string bind = "0.0.0.0";
  std::uint16_t port = 8080;
  // The counter page's body; "{}" becomes the request number.
  std::string message = "Hello #{} from MicroPython!";
  std::optional<std::string> root;  // serve files from here instead of the counter
  unsigned workers = 0;             // 0: one per core
  std::size_t max_connections = 16384;
  double header_timeout = 10;  // seconds to send a request head
  double idle_timeout = 60;    // seconds a kept-alive or stalled connection may wait
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  std::optional<std::string> access_log;
  std::optional<std::uint64_t> max_requests;
};

class Cli final : public usock::cli::ToolCli {
 public:
  Cli();
  const Options& options() const noexcept { return options_; }

 private:
  Options options_;
};

}  // namespace userve
