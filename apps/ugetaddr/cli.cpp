#include "cli.hpp"

#include "usock/names.hpp"

namespace ugetaddr {
namespace {

// A CLI11 check that accepts what `parse` accepts and stores the parsed value.
template <class Parse, class Store>
CLI::Validator parsed_by(Parse parse, Store store, std::string expected) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const auto value = parse(text);
        if (!value) return "'" + text + "' is not " + expected;
        store(*value);
        return {};
      },
      "");
}

}  // namespace

Cli::Cli()
    : ToolCli("ugetaddr",
              "Resolve HOST (and PORT) with getaddrinfo and print the 5-tuples "
              "(family, type, proto, canonname, sockaddr).") {
  auto& app = this->app();
  auto& hints = options_.hints;
  app.add_option("HOST", options_.host, "Host name or numeric address to resolve")->required();
  app.add_option("PORT", options_.port, "Port number (0-65535) or service name such as http")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const bool named = !text.empty() && std::isalpha(static_cast<unsigned char>(text[0]));
            if (named || usock::parse_port(text)) return {};
            return "port '" + text + "' is not a number from 0 to 65535 or a service name";
          },
          ""));

  auto* ipv4 = app.add_flag_callback(
      "-4,--ipv4", [&hints] { hints.family = usock::Family::inet; }, "Only IPv4 addresses");
  app.add_flag_callback(
         "-6,--ipv6", [&hints] { hints.family = usock::Family::inet6; }, "Only IPv6 addresses")
      ->excludes(ipv4);
  app.add_option("-t,--type", "Only this socket type: stream, dgram, raw or a number")
      ->type_name("stream|dgram|raw|N")
      ->check(parsed_by(
          usock::parse_socktype, [&hints](auto type) { hints.type = type; },
          "a socket type (stream, dgram, raw or a number)"));
  app.add_option("-p,--proto", "Only this protocol: tcp, udp or a number")
      ->type_name("tcp|udp|N")
      ->check(parsed_by(
          usock::parse_proto, [&hints](int proto) { hints.proto = proto; },
          "a protocol (tcp, udp or a number)"));
  app.add_option("-f,--flags",
                 "getaddrinfo flags, joined by ',' or '|': AI_PASSIVE, AI_CANONNAME, "
                 "AI_NUMERICHOST, AI_NUMERICSERV, AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG or numbers")
      ->type_name("FLAGS")
      ->check(parsed_by(
          usock::parse_ai_flags, [&hints](int flags) { hints.flags = flags; },
          "a list of getaddrinfo flags (such as AI_CANONNAME,AI_PASSIVE)"));

  auto* python = app.add_flag_callback(
      "--python", [this] { options_.format = Format::python; },
      "Print the list as Python prints it: [(2, 1, 6, '', ('127.0.0.1', 80))]");
  auto* json = app.add_flag_callback(
      "--json", [this] { options_.format = Format::json; }, "Print a JSON array of objects");
  auto* brief = app.add_flag_callback(
      "-s,--short", [this] { options_.format = Format::brief; },
      "Print each address once, one per line, in resolver order");
  python->excludes(json)->excludes(brief);
  json->excludes(brief);
  app.add_flag("-r,--reverse", options_.reverse,
               "Reverse look-up: print the name of the numeric address HOST (getnameinfo)");
}

}  // namespace ugetaddr
