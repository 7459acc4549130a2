#include "cli.hpp"

#include <thread>

#include "size.hpp"
#include "usock/address.hpp"

namespace uecho {

using usock::cli::parse_size;

std::string Endpoint::host_or_default() const {
  if (host) return *host;
  return family == usock::Family::inet6 ? "::1" : "127.0.0.1";
}

void Cli::add_endpoint_options(CLI::App& command) {
  command
      .add_option("--host", endpoint_.host,
                  "Address or name to listen on / connect to (default 127.0.0.1, ::1 with -6)")
      ->type_name("HOST");
  command
      .add_option_function<std::string>(
          "--port", [this](const std::string& text) { endpoint_.port = *usock::parse_port(text); },
          "TCP or UDP port (default 65432)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return usock::parse_port(text) ? "" : "'" + text + "' is not a port from 0 to 65535";
          },
          "PORT"));
  auto* ipv4 = command.add_flag_callback(
      "-4,--ipv4", [this] { endpoint_.family = usock::Family::inet; }, "Use IPv4 only");
  command
      .add_flag_callback(
          "-6,--ipv6", [this] { endpoint_.family = usock::Family::inet6; }, "Use IPv6 only")
      ->excludes(ipv4);
  command.add_flag("-u,--udp", endpoint_.udp, "Echo UDP datagrams instead of a TCP stream");
}

Cli::Cli()
    : ToolCli("uecho",
              "TCP/UDP echo server and client: the echo pair of the socket programming notes, "
              "with bulk throughput and ping modes.") {
  auto& app = this->app();
  app.require_subcommand(1, 1);
  // -v, -q and --trace read the same before or after the subcommand.
  app.fallthrough();

  server_ = app.add_subcommand("server", "Echo back whatever clients send");
  add_endpoint_options(*server_);
  server_->add_flag("--once", server_options_.once,
                    "Serve a single client, then exit (as the documented server.py does)");
  server_
      ->add_option("-w,--workers", server_options_.workers,
                   "Event loops, one per thread, sharing the port with SO_REUSEPORT "
                   "(default: one per core)")
      ->check(CLI::Range(1u, 256u));
  server_
      ->add_option("--max-clients", server_options_.max_clients,
                   "Connections served at once per worker; more are closed at once")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  server_
      ->add_option("--idle-timeout", server_options_.idle_timeout,
                   "Close connections silent for this many seconds (default: never)")
      ->check(CLI::NonNegativeNumber);

  client_ = app.add_subcommand("client", "Send a message and print the echo, or measure");
  add_endpoint_options(*client_);
  client_->add_option("-m,--message", client_options_.message,
                      "Text to send (default: Hello, world)");
  auto* bytes =
      client_
          ->add_option_function<std::string>(
              "-b,--bytes",
              [this](const std::string& text) { client_options_.bytes = parse_size(text); },
              "Bulk mode: stream this much generated data (e.g. 64K, 100M, 1G), verify every "
              "echoed byte and report the throughput")
          ->type_name("SIZE")
          ->check(CLI::Validator(
              [](std::string& text) -> std::string {
                return parse_size(text) ? "" : "'" + text + "' is not a size such as 512K or 1G";
              },
              ""));
  client_
      ->add_option_function<std::string>(
          "-W,--window",
          [this](const std::string& text) { client_options_.window = *parse_size(text); },
          "Bulk mode: keep at most this much data sent but not yet echoed (default: no "
          "limit), for echo servers that cannot read while they write")
      ->type_name("SIZE")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const auto size = parse_size(text);
            return size && *size > 0 ? "" : "'" + text + "' is not a size such as 32K";
          },
          ""));
  auto* count = client_
                    ->add_option("-c,--count", client_options_.count,
                                 "Ping mode: send this many messages and time each echo")
                    ->check(CLI::Range(1u, 1000000u));
  client_
      ->add_option("-i,--interval", client_options_.interval,
                   "Seconds between ping messages (default 1)")
      ->check(CLI::NonNegativeNumber);
  client_
      ->add_option("-t,--timeout", client_options_.timeout,
                   "Give up when the server has not answered for this many seconds (default 10)")
      ->check(CLI::PositiveNumber);
  client_->add_flag("--json", client_options_.json,
                    "Print the bulk or ping summary as one JSON object");
  bytes->excludes(count);
}

}  // namespace uecho
