#include "response.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "exit_codes.hpp"
#include "tool.hpp"

namespace uhttpget {
namespace {

using usock::cli::Failure;

// Interim 1xx heads a server may send before its answer; a server that never
// stops sending them is refused rather than read forever.
constexpr int kMostInterimHeads = 20;

bool is_interim(int status) {
  // 101 Switching Protocols is final: the connection now speaks something else.
  return status >= 100 && status < 200 && status != 101;
}

}  // namespace

std::string Response::status_line() const {
  return raw_head.substr(0, raw_head.find_first_of("\r\n"));
}

ResponseReader::ResponseReader(ByteSource& source, std::size_t buffer_size)
    : source_(source), buffer_(buffer_size) {}

std::size_t ResponseReader::receive() {
  return source_.receive(buffer_);
}

Response ResponseReader::read_head(std::string_view request_method) {
  bool received_any = false;
  int interim_heads = 0;
  for (;;) {
    Response response;
    const auto parsed = usock::http::parse_response_head(pending_, response.head);
    using Status = usock::http::ParseResult::Status;
    if (parsed.status == Status::invalid) {
      throw Failure(usock::cli::kExitWeirdReply, "the server's reply is not HTTP/1.x",
                    parsed.error);
    }
    if (parsed.status == Status::complete) {
      response.raw_head = pending_.substr(0, parsed.consumed);
      pending_.erase(0, parsed.consumed);
      if (is_interim(response.head.status)) {
        if (++interim_heads > kMostInterimHeads) {
          throw Failure(usock::cli::kExitWeirdReply,
                        fmt::format("the server sent more than {} interim (1xx) responses",
                                    kMostInterimHeads));
        }
        continue;
      }
      std::string error;
      const auto framing = usock::http::response_framing(response.head, request_method, error);
      if (!framing) {
        throw Failure(usock::cli::kExitWeirdReply, "the response's length cannot be known", error);
      }
      response.framing = *framing;
      return response;
    }
    const std::size_t got = receive();
    if (got == 0) {
      if (!received_any) {
        throw Failure(usock::cli::kExitEmptyReply, "the server closed the connection unanswered");
      }
      throw Failure(usock::cli::kExitWeirdReply,
                    "the server closed the connection in the middle of the response head");
    }
    received_any = true;
    pending_.append(buffer_.data(), got);
  }
}

void ResponseReader::read_body(const Response& response,
                               const std::function<bool(std::string_view)>& sink) {
  using Kind = usock::http::Framing::Kind;
  switch (response.framing.kind) {
    case Kind::none:
      return;
    case Kind::length:
      return read_length(response.framing.length, sink);
    case Kind::chunked:
      return read_chunked(sink);
    case Kind::until_close:
      return read_until_close(sink);
  }
}

void ResponseReader::read_length(std::uint64_t length,
                                 const std::function<bool(std::string_view)>& sink) {
  std::uint64_t done = std::min<std::uint64_t>(pending_.size(), length);
  if (done > 0 && !sink(std::string_view(pending_).substr(0, done))) return;
  pending_.clear();
  while (done < length) {
    const std::size_t got = receive();
    if (got == 0) {
      throw Failure(usock::cli::kExitPartial,
                    fmt::format("the connection closed after {} of {} body bytes", done, length));
    }
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(got, length - done));
    done += take;
    if (!sink(std::string_view(buffer_.data(), take))) return;
  }
}

void ResponseReader::read_chunked(const std::function<bool(std::string_view)>& sink) {
  usock::http::ChunkedDecoder decoder;
  std::string body;
  std::uint64_t done = 0;
  std::string_view in = pending_;
  for (;;) {
    std::size_t consumed = 0;
    body.clear();
    const auto status = decoder.feed(in, consumed, body);
    done += body.size();
    if (!body.empty() && !sink(body)) return;
    using Status = usock::http::ChunkedDecoder::Status;
    if (status == Status::invalid) {
      throw Failure(usock::cli::kExitWeirdReply, "the chunked body is malformed", decoder.error());
    }
    if (status == Status::done) return;
    const std::size_t got = receive();
    if (got == 0) {
      throw Failure(
          usock::cli::kExitPartial,
          fmt::format("the connection closed inside the chunked body after {} bytes", done));
    }
    in = std::string_view(buffer_.data(), got);
  }
}

void ResponseReader::read_until_close(const std::function<bool(std::string_view)>& sink) {
  if (!pending_.empty() && !sink(pending_)) return;
  pending_.clear();
  while (const std::size_t got = receive()) {
    if (!sink(std::string_view(buffer_.data(), got))) return;
  }
  if (source_.truncated()) {
    // The body's only end is the connection's, and over TLS an end without
    // close_notify may be an attacker's or a crash's cut.
    throw Failure(usock::cli::kExitPartial,
                  "the TLS connection ended without close_notify, so the body may be cut short");
  }
}

}  // namespace uhttpget
