#pragma once
// uhttpget's options: the one definition that --help, the man page check and
// the generated completions all come from.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tool.hpp"
#include "usock/constants.hpp"

namespace uhttpget {

struct Options {
  std::string url;
  std::string method;                // -X; empty: GET, POST with -d, HEAD with -I
  std::vector<std::string> headers;  // -H "Name: value"; "Name:" removes a default
  std::optional<std::string> data;   // -d: the text, @FILE, or @- for stdin
  std::optional<std::string> user;   // -u user:password
  bool head = false;                 // -I
  bool include = false;              // -i
  bool http10 = false;               // the seed's bare request, raw response
  bool first_line = false;           // print only the status line
  std::optional<std::uint64_t> max_bytes;
  std::optional<std::string> output;  // -o FILE; "-" is stdout
  bool follow = false;                // -L
  int max_redirects = 50;
  bool fail = false;
  bool insecure = false;
  std::optional<std::string> cacert;
  std::optional<double> connect_timeout;
  std::optional<double> max_time;
  usock::Family family = usock::Family::unspec;
  bool silent = false;
  std::optional<std::string> summary;  // FILE or "-" (stdout)
};

class Cli final : public usock::cli::ToolCli {
 public:
  Cli();
  // Valid once parsing succeeded.
  const Options& options() const noexcept { return options_; }

 private:
  Options options_;
};

}  // namespace uhttpget
