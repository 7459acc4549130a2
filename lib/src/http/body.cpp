#include "usock/http/body.hpp"

#include <algorithm>
#include <cctype>

namespace usock::http {
namespace {

// A chunk-size line (with extensions) or a trailer line.
constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxTrailers = 64 * 1024;
// 15 hex digits: under 2^60, and no overflow possible.
constexpr std::size_t kMaxSizeDigits = 15;

std::optional<std::uint64_t> parse_length(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// Content-Length, which may repeat (also as a comma list) if every copy agrees.
std::optional<std::uint64_t> content_length(const Headers& headers, bool& present,
                                            std::string& error) {
  std::optional<std::uint64_t> length;
  present = false;
  for (const auto& header : headers) {
    if (!iequals(header.name, "Content-Length")) continue;
    present = true;
    std::string_view rest = header.value;
    while (true) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ')
        item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ')
        item.remove_suffix(1);
      const auto value = parse_length(item);
      if (!value || (length && *length != *value)) {
        error = "invalid or conflicting Content-Length";
        return std::nullopt;
      }
      length = value;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return length;
}

// Whether the last transfer coding named in Transfer-Encoding is chunked.
bool ends_in_chunked(const Headers& headers, bool& present) {
  std::string_view last;
  present = false;
  for (const auto& header : headers) {
    if (!iequals(header.name, "Transfer-Encoding")) continue;
    present = true;
    std::string_view value = header.value;
    const auto comma = value.rfind(',');
    if (comma != std::string_view::npos) value.remove_prefix(comma + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    last = value;
  }
  return present && iequals(last, "chunked");
}

}  // namespace

std::optional<Framing> response_framing(const ResponseHead& head, std::string_view request_method,
                                        std::string& error) {
  // No body: HEAD, 1xx, 204, 304, and a successful CONNECT's tunnel.
  if (iequals(request_method, "HEAD") || head.status < 200 || head.status == 204 ||
      head.status == 304 || (iequals(request_method, "CONNECT") && head.status < 300)) {
    return Framing{Framing::Kind::none, 0};
  }
  bool has_encoding = false;
  if (ends_in_chunked(head.headers, has_encoding)) return Framing{Framing::Kind::chunked, 0};
  // Another coding last: the body runs until the server closes.
  if (has_encoding) return Framing{Framing::Kind::until_close, 0};
  bool has_length = false;
  const auto length = content_length(head.headers, has_length, error);
  if (has_length && !length) return std::nullopt;
  if (length) return Framing{Framing::Kind::length, *length};
  return Framing{Framing::Kind::until_close, 0};
}

std::optional<Framing> request_framing(const RequestHead& head, std::string& error) {
  bool has_encoding = false;
  const bool chunked = ends_in_chunked(head.headers, has_encoding);
  bool has_length = false;
  const auto length = content_length(head.headers, has_length, error);
  if (has_encoding && has_length) {
    error = "both Transfer-Encoding and Content-Length";
    return std::nullopt;
  }
  if (has_encoding && !chunked) {
    error = "Transfer-Encoding without a final chunked";
    return std::nullopt;
  }
  if (chunked) return Framing{Framing::Kind::chunked, 0};
  if (has_length && !length) return std::nullopt;
  return length ? Framing{Framing::Kind::length, *length} : Framing{Framing::Kind::none, 0};
}

ChunkedDecoder::Status ChunkedDecoder::fail(std::string error) {
  state_ = State::failed;
  error_ = std::move(error);
  return Status::invalid;
}

ChunkedDecoder::Status ChunkedDecoder::end_size_line() {
  std::string_view line = line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // chunk-size [ chunk-ext ]: the extensions are allowed and ignored.
  const auto digits = std::find_if_not(line.begin(), line.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
  const auto count = static_cast<std::size_t>(digits - line.begin());
  if (count == 0) return fail("malformed chunk size");
  if (count > kMaxSizeDigits) return fail("chunk size too large");
  // chunk-ext = *( BWS ";" ... ): after optional blanks, only ';' may follow.
  std::string_view rest = line.substr(count);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
    rest.remove_prefix(1);
  if (!rest.empty() && rest.front() != ';') return fail("malformed chunk size");
  remaining_ = std::stoull(std::string(line.substr(0, count)), nullptr, 16);
  line_.clear();
  state_ = remaining_ == 0 ? State::trailer : State::data;
  return Status::more;
}

ChunkedDecoder::Status ChunkedDecoder::feed(std::string_view in, std::size_t& consumed,
                                            std::string& out) {
  consumed = 0;
  while (consumed < in.size()) {
    const char c = in[consumed];
    switch (state_) {
      case State::size_line:
        ++consumed;
        if (c != '\n') {
          if (line_.size() >= kMaxLine) return fail("chunk size line too long");
          line_ += c;
        } else if (end_size_line() == Status::invalid) {
          return Status::invalid;
        }
        break;
      case State::data: {
        const auto take =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - consumed));
        out.append(in.substr(consumed, take));
        consumed += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::data_end;
        break;
      }
      case State::data_end:
        // CRLF (or a bare LF) after the chunk's data.
        ++consumed;
        if (c == '\n' && (line_.empty() || line_ == "\r")) {
          line_.clear();
          state_ = State::size_line;
        } else if (c == '\r' && line_.empty()) {
          line_ = "\r";
        } else {
          return fail("missing CRLF after chunk data");
        }
        break;
      case State::trailer:
        ++consumed;
        if (++trailer_bytes_ > kMaxTrailers) return fail("trailer fields too large");
        if (c != '\n') {
          if (line_.size() >= kMaxLine) return fail("trailer line too long");
          line_ += c;
          break;
        }
        if (line_.empty() || line_ == "\r") {
          state_ = State::done;
          return Status::done;
        }
        line_.clear();  // trailer fields are allowed and ignored
        break;
      case State::done:
        return Status::done;
      case State::failed:
        return Status::invalid;
    }
  }
  if (state_ == State::done) return Status::done;
  return state_ == State::failed ? Status::invalid : Status::more;
}

}  // namespace usock::http
