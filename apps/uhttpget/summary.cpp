#include "summary.hpp"

#include <fmt/format.h>

#include "json.hpp"

namespace uhttpget {

using usock::cli::json_string;

std::string to_json(const Summary& summary) {
  std::string headers;
  for (const auto& header : summary.headers) {
    if (!headers.empty()) headers += ", ";
    headers += fmt::format(R"({{"name": {}, "value": {}}})", json_string(header.name),
                           json_string(header.value));
  }
  return fmt::format(
      R"({{"url": {}, "effective_url": {}, "redirects": {}, "status": {}, "reason": {}, )"
      R"("http_version": {}, "headers": [{}], "body_bytes": {}, "tls_version": {}, )"
      R"("time_connect": {:.6f}, "time_tls": {:.6f}, "time_first_byte": {:.6f}, )"
      R"("time_total": {:.6f}, "exit_code": {}, "error": {}}})"
      "\n",
      json_string(summary.url), json_string(summary.effective_url), summary.redirects,
      summary.status, json_string(summary.reason), json_string(summary.http_version), headers,
      summary.body_bytes, summary.tls_version.empty() ? "null" : json_string(summary.tls_version),
      summary.connect_seconds, summary.tls_seconds, summary.first_byte_seconds,
      summary.total_seconds, summary.exit_code,
      summary.error.empty() ? "null" : json_string(summary.error));
}

}  // namespace uhttpget
