#pragma once
// What userve answers to a request: the counter page of the seed, or a file
// under --root with its conditional and range rules. Shared by every worker
// (the counter is one for the whole server, as in the seed).

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "static_site.hpp"
#include "usock/http/head.hpp"

namespace userve {

struct Reply {
  int status = 0;
  std::uint64_t body_bytes = 0;  // for the access log
  bool keep_alive = false;
  // A body too large to copy into the output buffer, still to send from here.
  FileHandle file;
  std::uint64_t file_offset = 0;
  std::uint64_t file_left = 0;
};

class Responder {
 public:
  // `site` is null for the counter page.
  Responder(const Options& options, const StaticSite* site);

  // Appends the response to `out`; `keep_alive` is what the request allows.
  Reply answer(const usock::http::RequestHead& request, bool keep_alive, std::string& out);
  // The answer to a request that could not be understood; it closes the
  // connection, as what follows on it cannot be trusted either.
  static Reply refuse(int status, std::string& out);

 private:
  Reply counter_page(const usock::http::RequestHead& request, bool keep_alive, std::string& out);
  Reply file(const usock::http::RequestHead& request, bool keep_alive, std::string& out) const;

  const StaticSite* site_;
  // The --message template cut at each "{}".
  std::vector<std::string> message_parts_;
  std::atomic<std::uint64_t> counter_{0};
};

}  // namespace userve
