#pragma once
// ugetaddr's options: the one definition that --help, the man page check and
// the generated completions all come from.

#include <optional>
#include <string>

#include "tool.hpp"
#include "usock/address.hpp"

namespace ugetaddr {

enum class Format { listing, python, json, brief };

struct Options {
  std::string host;
  std::optional<std::string> port;
  usock::AddrHints hints;
  Format format = Format::listing;
  bool reverse = false;
};

class Cli final : public usock::cli::ToolCli {
 public:
  Cli();
  // Valid once parsing succeeded.
  const Options& options() const noexcept { return options_; }

 private:
  Options options_;
};

}  // namespace ugetaddr
