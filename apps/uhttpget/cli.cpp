#include "cli.hpp"

#include "size.hpp"

namespace uhttpget {
namespace {

// A header line the request can carry: "Name: value", or "Name:" to drop a
// default; no line breaks, which would let one option inject a second header.
std::string check_header(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    return "header '" + text + "' is not 'Name: value'";
  }
  if (text.find_first_of("\r\n") != std::string::npos) {
    return "header '" + text + "' contains a line break";
  }
  if (text.find_first_of(" \t") < colon) return "header name '" + text + "' contains a space";
  return {};
}

std::string check_method(const std::string& text) {
  const bool token = !text.empty() && text.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "abcdefghijklmnopqrstuvwxyz"
                                          "0123456789!#$%&'*+-.^_`|~") == std::string::npos;
  return token ? "" : "method '" + text + "' is not an HTTP token";
}

}  // namespace

Cli::Cli()
    : ToolCli("uhttpget",
              "Fetch URL over HTTP or HTTPS and write the body to stdout (or --output FILE).") {
  auto& app = this->app();
  auto& o = options_;
  app.add_option("URL", o.url, "http:// or https:// URL to fetch")->required();

  app.add_option("-X,--request", o.method, "Request method (default GET; POST with --data)")
      ->type_name("METHOD")
      ->check(CLI::Validator(check_method, ""));
  app.add_option("-H,--header", o.headers,
                 "Extra request header 'Name: value' (repeatable); 'Name:' removes a default one")
      ->type_name("HEADER")
      ->check(CLI::Validator(check_header, ""));
  app.add_option("-d,--data", o.data,
                 "Request body: the text itself, @FILE, or @- for stdin (sent as is)")
      ->type_name("DATA");
  app.add_option("-u,--user", o.user, "Basic authentication as user:password")
      ->type_name("USER:PASSWORD");
  auto* head = app.add_flag("-I,--head", o.head, "Send HEAD and print the response head");
  app.add_flag("-i,--include", o.include, "Print the response head before the body");
  auto* http10 = app.add_flag(
      "--http1.0", o.http10,
      "Send the seed's bare request (GET / HTTP/1.0, only --header fields) and print the "
      "whole response as received");
  auto* first_line =
      app.add_flag("--first-line", o.first_line, "Print only the status line (HTTP/1.1 200 OK)");
  app.add_option_function<std::string>(
         "--bytes", [&o](const std::string& text) { o.max_bytes = usock::cli::parse_size(text); },
         "Stop after printing this many bytes, as s.read(2000) does (512, 64K, 1M)")
      ->type_name("SIZE")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            return usock::cli::parse_size(text) ? "" : "'" + text + "' is not a size such as 2000";
          },
          ""));
  app.add_option("-o,--output", o.output,
                 "Write the body to FILE (renamed into place only once complete); - is stdout")
      ->type_name("FILE");
  app.add_flag("-L,--location", o.follow, "Follow redirects (301, 302, 303, 307, 308)");
  app.add_option("--max-redirs", o.max_redirects, "Most redirects -L follows (default 50)")
      ->type_name("N")
      ->check(CLI::Range(0, 1000));
  app.add_flag("-f,--fail", o.fail, "Exit 22 without printing the body when the status is 400+");
  app.add_flag("-k,--insecure", o.insecure,
               "Do not verify the server's certificate or host name (TLS still encrypts)");
  app.add_option("--cacert", o.cacert, "Trust the CA certificates in this PEM file instead")
      ->type_name("FILE")
      ->check(CLI::ExistingFile);
  app.add_option("--connect-timeout", o.connect_timeout,
                 "Seconds allowed to connect, TLS handshake included")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber);
  app.add_option("-m,--max-time", o.max_time, "Seconds allowed for the whole transfer")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber);
  auto* ipv4 = app.add_flag_callback(
      "-4,--ipv4", [&o] { o.family = usock::Family::inet; }, "Connect over IPv4 only");
  app.add_flag_callback(
         "-6,--ipv6", [&o] { o.family = usock::Family::inet6; }, "Connect over IPv6 only")
      ->excludes(ipv4);
  app.add_flag("-s,--silent", o.silent, "No progress bar (errors are still reported)");
  app.add_option("--summary", o.summary,
                 "Write a JSON summary (status, headers, bytes, timings, exit code, error) to "
                 "FILE; - is stdout, after the body")
      ->type_name("FILE");
  first_line->excludes(head)->excludes(http10);
}

}  // namespace uhttpget
