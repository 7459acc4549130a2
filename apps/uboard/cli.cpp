#include "cli.hpp"

#include <random>

#include "usock/serial.hpp"

namespace uboard {

Cli::Cli()
    : ToolCli("uboard",
              "Play a serial-proxy board on this host: answer a usock --device host over a "
              "pseudo-terminal, serial port, TCP or stdio, running its socket calls on this "
              "host's network stack, with an emulated line (baud rate, noise, latency, resets).") {
  auto& app = this->app();
  auto* pty = app.add_flag("--pty", line_.pty,
                           "Create a pseudo-terminal and print its path as the first line of "
                           "standard output (the default line is stdio)");
  app.add_option("--link", line_.symlink,
                 "With --pty: also make a symbolic link PATH to the pseudo-terminal")
      ->type_name("PATH")
      ->needs(pty);
  auto* serial = app.add_option("--serial", line_.serial,
                                "Serve a serial port (raw 8N1 at --baud, default 115200)")
                     ->type_name("DEV")
                     ->excludes(pty);
  app.add_option_function<std::string>(
         "--listen",
         [this](const std::string& text) {
           std::string error;
           line_.listen = usock::parse_link_uri(text, error);
         },
         "Serve one TCP client at a time on tcp://HOST:PORT; a new connection starts a fresh "
         "link")
      ->type_name("URI")
      ->excludes(pty)
      ->excludes(serial)
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            std::string error;
            const auto address = usock::parse_link_uri(text, error);
            if (!address) return error;
            if (address->kind != usock::LinkAddress::Kind::tcp) return "expected tcp://HOST:PORT";
            return "";
          },
          "URI"));
  app.add_option("--baud", emulation_.baud,
                 "Pace the line at N/10 bytes per second each way, as a UART would, and "
                 "announce N in HELLO_ACK (default: unpaced)")
      ->type_name("N")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            try {
              return usock::is_supported_baud(static_cast<unsigned>(std::stoul(text)))
                         ? ""
                         : "'" + text + "' is not a standard baud rate";
            } catch (const std::exception&) {
              return "'" + text + "' is not a number";
            }
          },
          "N"));
  app.add_option("--noise", emulation_.noise,
                 "Corrupt each byte on the line with probability P and drop it with "
                 "probability P/10, both directions")
      ->type_name("P")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--seed", seed_, "Seed of the noise generator, for reproducible runs")
      ->type_name("N");
  app.add_option("--reset-after", emulation_.reset_after,
                 "Behave like a board that resets after N wire bytes (both directions): close "
                 "every socket, print a boot banner, announce a new boot id")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  app.add_option_function<unsigned>(
         "--latency",
         [this](unsigned value) { emulation_.latency = std::chrono::milliseconds(value); },
         "Delay every byte by MS milliseconds in each direction")
      ->type_name("MS")
      ->check(CLI::Range(0u, 10000u));
  app.add_option("--max-sockets", max_sockets_,
                 "Sockets the host may hold open at once, announced in HELLO_ACK (default 64)")
      ->type_name("N")
      ->check(CLI::Range(1u, 254u));
}

std::uint64_t Cli::seed() const {
  if (seed_) return *seed_;
  std::random_device device;
  return (std::uint64_t{device()} << 32) | device();
}

}  // namespace uboard
