#include "responder.hpp"

#include <unistd.h>

#include <cerrno>

#include "mime.hpp"
#include "response_head.hpp"
#include "usock/http/date.hpp"
#include "usock/http/path.hpp"
#include "usock/http/range.hpp"

namespace userve {
namespace {

using usock::http::find_header;
using usock::http::RequestHead;

// Bodies up to this size are copied behind the head and leave in one send;
// larger ones go from the file to the socket by sendfile.
constexpr std::uint64_t kInlineLimit = 32 * 1024;

bool is_head(const RequestHead& request) {
  return request.method == "HEAD";
}

std::vector<std::string> split_template(std::string_view text) {
  std::vector<std::string> parts;
  while (true) {
    const std::size_t hole = text.find("{}");
    parts.emplace_back(text.substr(0, hole));
    if (hole == std::string_view::npos) return parts;
    text.remove_prefix(hole + 2);
  }
}

Reply error_page(int status, bool keep_alive, bool with_body, std::string& out) {
  const std::string body = std::to_string(status) + " " + std::string(reason_phrase(status)) + "\n";
  start_head(out, 1, status);
  add_field(out, "Content-Type", "text/plain; charset=utf-8");
  add_field(out, "Content-Length", body.size());
  if (status == 405) add_field(out, "Allow", "GET, HEAD");
  end_head(out, keep_alive);
  if (with_body) out += body;
  Reply reply;
  reply.status = status;
  reply.body_bytes = with_body ? body.size() : 0;
  reply.keep_alive = keep_alive;
  return reply;
}

// Where a directory named without its slash lives: the same target, slashed.
std::string slashed(std::string_view target) {
  const std::size_t query = target.find('?');
  std::string location(target.substr(0, query));
  location += '/';
  if (query != std::string_view::npos) location += target.substr(query);
  return location;
}

bool not_modified_since(const RequestHead& request, std::time_t modified) {
  const std::string* since = find_header(request.headers, "If-Modified-Since");
  if (since == nullptr) return false;
  const auto when = usock::http::parse_http_date(*since);
  return when && modified <= *when;
}

// Appends `length` bytes of the file from `offset`; false if it came short
// (the file shrank under us, so the promised length cannot be kept).
bool copy_file(int fd, std::uint64_t offset, std::uint64_t length, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + length);
  std::uint64_t done = 0;
  while (done < length) {
    const ssize_t got =
        ::pread(fd, out.data() + start + done, length - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      out.resize(start + done);
      return false;
    }
    done += static_cast<std::uint64_t>(got);
  }
  return true;
}

}  // namespace

Responder::Responder(const Options& options, const StaticSite* site)
    : site_(site), message_parts_(split_template(options.message)) {}

Reply Responder::refuse(int status, std::string& out) {
  return error_page(status, false, true, out);
}

Reply Responder::answer(const RequestHead& request, bool keep_alive, std::string& out) {
  return site_ ? file(request, keep_alive, out) : counter_page(request, keep_alive, out);
}

Reply Responder::counter_page(const RequestHead& request, bool keep_alive, std::string& out) {
  const std::string number = std::to_string(counter_.fetch_add(1, std::memory_order_relaxed));
  std::string body = message_parts_.front();
  for (std::size_t i = 1; i < message_parts_.size(); ++i) {
    body += number;
    body += message_parts_[i];
  }
  body += '\n';
  // The seed's status line, with the framing a browser or a keep-alive
  // client needs to know where the page ends.
  start_head(out, 0, 200);
  add_field(out, "Content-Type", "text/plain; charset=utf-8");
  add_field(out, "Content-Length", body.size());
  end_head(out, keep_alive);
  Reply reply;
  reply.status = 200;
  reply.keep_alive = keep_alive;
  if (!is_head(request)) {
    out += body;
    reply.body_bytes = body.size();
  }
  return reply;
}

Reply Responder::file(const RequestHead& request, bool keep_alive, std::string& out) const {
  const bool with_body = !is_head(request);
  if (request.method != "GET" && !is_head(request)) {
    return error_page(405, keep_alive, with_body, out);
  }
  const auto target = usock::http::target_path(request.target);
  if (target.reply_status != 0) return error_page(target.reply_status, keep_alive, with_body, out);
  FoundFile found = site_->find(target);
  if (found.status == 301) {
    start_head(out, 1, 301);
    add_field(out, "Location", slashed(request.target));
    add_field(out, "Content-Length", std::uint64_t{0});
    end_head(out, keep_alive);
    Reply reply;
    reply.status = 301;
    reply.keep_alive = keep_alive;
    return reply;
  }
  if (found.status != 200) return error_page(found.status, keep_alive, with_body, out);

  const std::string modified = usock::http::format_http_date(found.modified);
  Reply reply;
  reply.keep_alive = keep_alive;
  if (not_modified_since(request, found.modified)) {
    start_head(out, 1, 304);
    add_field(out, "Last-Modified", modified);
    end_head(out, keep_alive);
    reply.status = 304;
    return reply;
  }

  std::uint64_t first = 0;
  std::uint64_t length = found.size;
  reply.status = 200;
  const std::string* range_field = find_header(request.headers, "Range");
  const std::string* if_range = find_header(request.headers, "If-Range");
  if (range_field != nullptr && (if_range == nullptr || *if_range == modified)) {
    const auto range = usock::http::parse_byte_range(*range_field, found.size);
    if (range.kind == usock::http::ByteRange::Kind::unsatisfiable) {
      start_head(out, 1, 416);
      add_field(out, "Content-Range", "bytes */" + std::to_string(found.size));
      add_field(out, "Content-Length", std::uint64_t{0});
      end_head(out, keep_alive);
      reply.status = 416;
      return reply;
    }
    if (range.kind == usock::http::ByteRange::Kind::satisfiable) {
      first = range.first;
      length = range.last - range.first + 1;
      reply.status = 206;
    }
  }

  start_head(out, 1, reply.status);
  add_field(out, "Content-Type", content_type_for(found.served_path));
  add_field(out, "Content-Length", length);
  add_field(out, "Last-Modified", modified);
  add_field(out, "Accept-Ranges", "bytes");
  if (reply.status == 206) {
    add_field(out, "Content-Range",
              "bytes " + std::to_string(first) + "-" + std::to_string(first + length - 1) + "/" +
                  std::to_string(found.size));
  }
  end_head(out, keep_alive);
  if (!with_body) return reply;
  reply.body_bytes = length;
  if (length <= kInlineLimit) {
    // A file that shrank mid-read cannot fill the promised length: the
    // connection ends after what there is, so the client sees it was cut.
    if (!copy_file(found.file.get(), first, length, out)) reply.keep_alive = false;
    return reply;
  }
  reply.file = std::move(found.file);
  reply.file_offset = first;
  reply.file_left = length;
  return reply;
}

}  // namespace userve
