#include "cli.hpp"

#include "usock/address.hpp"

namespace userve {

Cli::Cli()
    : ToolCli("userve",
              "The counter web server of the MicroPython notes (\"Hello #0 from MicroPython!\"), "
              "and a fast static file server with keep-alive, ranges, TLS and limits.") {
  auto& app = this->app();
  app.add_option("-b,--bind", options_.bind, "Address to listen on (default 0.0.0.0; :: for IPv6)")
      ->type_name("HOST");
  app.add_option_function<std::string>(
         "-p,--port", [this](const std::string& text) { options_.port = *usock::parse_port(text); },
         "TCP port (default 8080; 0 picks a free one)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return usock::parse_port(text) ? "" : "'" + text + "' is not a port from 0 to 65535";
          },
          "PORT"));
  app.add_option("-m,--message", options_.message,
                 "The counter page's text; {} becomes the request number (default: Hello #{} "
                 "from MicroPython!)")
      ->type_name("TEMPLATE");
  app.add_option("-r,--root", options_.root,
                 "Serve the files under this directory instead of the counter page")
      ->type_name("DIR")
      ->check(CLI::ExistingDirectory);
  app.add_option("-w,--workers", options_.workers,
                 "Event loops, one per thread, sharing the port with SO_REUSEPORT (default: one "
                 "per core)")
      ->check(CLI::Range(1u, 256u));
  app.add_option("--max-connections", options_.max_connections,
                 "Connections open at once over all workers; more are closed at once "
                 "(default 16384)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 22));
  app.add_option("--header-timeout", options_.header_timeout,
                 "Close a connection that takes longer than this many seconds to send a request "
                 "head (default 10)")
      ->check(CLI::PositiveNumber);
  app.add_option("--idle-timeout", options_.idle_timeout,
                 "Close a kept-alive connection idle, or a client not reading its response, for "
                 "this many seconds (default 60)")
      ->check(CLI::PositiveNumber);
  auto* cert = app.add_option("--cert", options_.cert_file,
                              "Serve HTTPS with this PEM certificate chain (needs --key)")
                   ->type_name("FILE")
                   ->check(CLI::ExistingFile);
  auto* key = app.add_option("--key", options_.key_file, "The PEM private key of --cert")
                  ->type_name("FILE")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  app.add_option("--access-log", options_.access_log,
                 "Append the access log (common log format) to this file; without it, --root "
                 "logs to standard output unless -q")
      ->type_name("FILE");
  app.add_option("--max-requests", options_.max_requests,
                 "Exit after answering this many requests (responses in flight still finish)")
      ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
}

}  // namespace userve
