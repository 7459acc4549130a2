#pragma once
// What every worker of one server shares: the options, the responder (and
// its counter), the outputs, the TLS context and the server-wide counts.

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "access_log.hpp"
#include "cli.hpp"
#include "request_dump.hpp"
#include "responder.hpp"

namespace usock {
class TlsServerContext;
class Tracer;
}  // namespace usock

namespace userve {

struct Shared {
  const Options& options;
  Responder& responder;
  RequestDump* dump;                   // the seed's narration; null when off
  AccessLog* access_log;               // null when off
  const usock::TlsServerContext* tls;  // null for plain HTTP
  usock::Tracer* tracer;               // --trace; null when off
  std::atomic<bool>& stopping;         // SIGINT/SIGTERM or --max-requests reached
  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::uint64_t> requests_taken{0};  // toward --max-requests
};

}  // namespace userve
