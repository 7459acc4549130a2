#include "fetch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "deadline.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "request.hpp"
#include "response.hpp"
#include "transport.hpp"
#include "usock/error.hpp"

namespace uhttpget {
namespace {

using usock::cli::Failure;
using usock::http::Url;

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool same_origin(const Url& a, const Url& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

// Writes at most --bytes bytes in all, as s.read(2000) returns at most 2000.
class LimitedWriter {
 public:
  LimitedWriter(Output& output, std::optional<std::uint64_t> limit)
      : output_(output), left_(limit) {}
  // False once the limit is reached: nothing more is wanted.
  bool write(std::string_view data) {
    if (left_) {
      data = data.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(*left_, data.size())));
      *left_ -= data.size();
    }
    output_.write(data);
    return !left_ || *left_ > 0;
  }

 private:
  Output& output_;
  std::optional<std::uint64_t> left_;
};

// The request and response heads, as curl -v shows them.
void log_head(std::string_view head, std::string_view marker) {
  while (!head.empty()) {
    const auto end = head.find('\n');
    auto line = head.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) spdlog::info("{} {}", marker, line);
    if (end == std::string_view::npos) break;
    head.remove_prefix(end + 1);
  }
}

// A socket error once connected: the phase names it, the errno picks the code.
[[noreturn]] void fail_exchange(const usock::OSError& error, const Deadline& deadline,
                                const Url& url, bool sending) {
  usock::cli::rethrow_link_error(error);
  if (error.code() == ETIMEDOUT) {
    const std::string what =
        deadline.budget()
            ? fmt::format("the transfer took longer than --max-time {} s", *deadline.budget())
            : "the connection to " + url.authority() + " timed out";
    throw Failure(usock::cli::kExitTimeout, what, usock::cli::describe_cause(error));
  }
  if (const auto* tls_error = dynamic_cast<const usock::TlsError*>(&error)) {
    throw Failure(usock::cli::exit_code_for(*tls_error),
                  "the TLS session with " + url.authority() + " broke",
                  usock::cli::describe_cause(error));
  }
  if (sending) {
    throw Failure(usock::cli::kExitSend, "cannot send the request to " + url.authority(),
                  usock::cli::describe_cause(error));
  }
  throw Failure(usock::cli::kExitRecv, "receiving from " + url.authority() + " failed",
                usock::cli::describe_cause(error));
}

struct Run {
  const Options& options;
  bool show_progress;
  Summary& summary;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  Deadline deadline{options.max_time};
  Request request{options};
  Output output{options.output};
  LimitedWriter writer{output, options.max_bytes};

  // One request and its response; the next URL when it redirects there.
  std::optional<Url> exchange(usock::Stack& stack, const Url& url);
  void send(Transport& transport, const Url& url);
  std::optional<Url> redirect_target(const Response& response, const Url& url);
  void record(const Response& response);
};

void Run::send(Transport& transport, const Url& url) {
  const std::string request_bytes = request.render(url);
  log_head(request_bytes.substr(0, request_bytes.find("\r\n\r\n")), ">");
  try {
    transport.send_all(request_bytes);
  } catch (const usock::OSError& error) {
    fail_exchange(error, deadline, url, true);
  }
}

void Run::record(const Response& response) {
  summary.status = response.head.status;
  summary.reason = response.head.reason;
  summary.http_version = fmt::format("1.{}", response.head.minor_version);
  summary.headers = response.head.headers;
  summary.first_byte_seconds = seconds_since(started);
  log_head(response.raw_head, "<");
}

std::optional<Url> Run::redirect_target(const Response& response, const Url& url) {
  if (!options.follow || !is_redirect(response.head.status)) return std::nullopt;
  const std::string* location = usock::http::find_header(response.head.headers, "Location");
  if (location == nullptr) return std::nullopt;
  if (summary.redirects >= options.max_redirects) {
    throw Failure(usock::cli::kExitTooManyRedirects,
                  fmt::format("stopped after {} redirects (--max-redirs)", options.max_redirects),
                  "the next was to " + *location);
  }
  std::string error;
  auto next = usock::http::resolve_reference(url, *location, error);
  if (!next) {
    throw Failure(usock::cli::kExitBadUrl, "the redirect to '" + *location + "' is not usable",
                  error);
  }
  spdlog::info("following the {} redirect to {}", response.head.status, next->text());
  if (!same_origin(url, *next)) request.forget_credentials();
  request.follow_redirect(response.head.status);
  return next;
}

std::optional<Url> Run::exchange(usock::Stack& stack, const Url& url) {
  summary.effective_url = url.text();
  const double opened_at = seconds_since(started);
  ConnectTimings timings;
  Transport transport = Transport::open(
      stack, url, {options.family, options.connect_timeout, !options.insecure, options.cacert},
      deadline, timings);
  summary.connect_seconds = opened_at + timings.connected;
  summary.tls_seconds = timings.tls_done > 0 ? opened_at + timings.tls_done : 0;
  summary.tls_version = transport.tls_version();
  send(transport, url);
  try {
    ResponseReader reader(transport);
    const Response response = reader.read_head(request.method());
    record(response);
    if (auto next = redirect_target(response, url)) {
      if (options.include) writer.write(response.raw_head);
      transport.close();
      return next;
    }
    if (options.fail && response.head.status >= 400) {
      throw Failure(
          usock::cli::kExitHttpError,
          fmt::format("the server answered {} {}", response.head.status, response.head.reason),
          url.text());
    }
    if (options.first_line) {
      writer.write(response.status_line() + "\n");
    } else if (!(options.include || options.head || options.http10) ||
               writer.write(response.raw_head)) {
      const bool sized = response.framing.kind == usock::http::Framing::Kind::length;
      usock::cli::Progress progress(sized ? std::optional(response.framing.length) : std::nullopt,
                                    show_progress);
      reader.read_body(response, [&](std::string_view piece) {
        summary.body_bytes += piece.size();
        progress.update(summary.body_bytes);
        return writer.write(piece);
      });
    }
  } catch (const usock::OSError& error) {
    fail_exchange(error, deadline, url, false);
  }
  transport.close();
  return std::nullopt;
}

}  // namespace

int fetch(usock::Stack& stack, const Options& options, bool show_progress, Summary& summary) {
  summary.url = options.url;
  std::string error;
  auto url = usock::http::parse_url(options.url, error);
  if (!url) throw Failure(usock::cli::kExitBadUrl, "malformed URL '" + options.url + "'", error);
  Run run{options, show_progress && !(options.output.value_or("-") == "-" && ::isatty(1)), summary};
  if (url->has_userinfo && !run.request.has_credentials()) {
    run.request.use_credentials(url->user + ":" + url->password);
  }
  while (auto next = run.exchange(stack, *url)) {
    ++summary.redirects;
    url = std::move(next);
  }
  run.output.commit();
  summary.total_seconds = seconds_since(run.started);
  return usock::cli::kExitOk;
}

}  // namespace uhttpget
