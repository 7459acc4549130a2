#pragma once
// The access log in the common log format of httpd and nginx:
//   127.0.0.1 - - [26/Nov/2026:02:39:23 +0000] "GET /index.html HTTP/1.1" 200 1234
// through spdlog, to stdout or appended to a file, a line flushed at a time.

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "usock/http/head.hpp"
#include "usock/sockaddr.hpp"

namespace userve {

class AccessLog {
 public:
  // To `file`, or stdout when nullopt. Raises Failure if the file cannot be opened.
  explicit AccessLog(const std::optional<std::string>& file);
  void record(const usock::SockAddr& peer, const usock::http::RequestHead& request, int status,
              std::uint64_t body_bytes);

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace userve
