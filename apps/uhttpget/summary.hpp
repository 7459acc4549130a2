#pragma once
// The --summary report: what a script wants to know about a run, as one JSON
// object, written whether the run succeeded or not.

#include <cstdint>
#include <string>

#include "usock/http/head.hpp"

namespace uhttpget {

struct Summary {
  std::string url;            // as given
  std::string effective_url;  // the last one asked, after redirects
  int redirects = 0;
  int status = 0;  // 0 when no response came
  std::string reason;
  std::string http_version;  // "1.1"
  usock::http::Headers headers;
  std::uint64_t body_bytes = 0;
  std::string tls_version;  // "TLSv1.3"; empty for http
  // Seconds since the run began, for its last connection.
  double connect_seconds = 0;
  double tls_seconds = 0;
  double first_byte_seconds = 0;
  double total_seconds = 0;
  int exit_code = 0;
  std::string error;  // the message on stderr; empty on success
};

// One line of JSON, newline-terminated.
std::string to_json(const Summary& summary);

}  // namespace uhttpget
