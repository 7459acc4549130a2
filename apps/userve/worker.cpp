#include "worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "usock/error.hpp"
#include "usock/http/body.hpp"

namespace userve {
namespace {

using usock::Clock;
using usock::http::RequestHead;

constexpr std::uint64_t kListenerToken = 0;
constexpr std::size_t kReadBufferSize = 64 * 1024;
constexpr int kStopCheckMs = 250;
// How long a closing connection may take to send its last bytes' worth of
// unread input, so that closing does not reset the response it just sent.
constexpr auto kLingerTime = std::chrono::seconds(2);
// A buffer grown by a large response is given back once idle, so that
// thousands of idle connections cost little memory.
constexpr std::size_t kKeptCapacity = 4096;
// One sendfile call moves at most this much, so one large download does
// not starve the loop's other connections.
constexpr std::uint64_t kFileSlice = 1024 * 1024;

bool would_block(const usock::OSError& error) {
  return error.code() == EAGAIN;
}

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

bool has_output(const std::string& out, std::size_t sent, std::uint64_t file_left) {
  return sent < out.size() || file_left > 0;
}

// Whether the connection may carry another request (RFC 9112 section 9.3).
bool wants_keep_alive(const RequestHead& request) {
  const std::string* connection = usock::http::find_header(request.headers, "Connection");
  const auto has_option = [&](std::string_view option) {
    if (connection == nullptr) return false;
    std::string_view rest = *connection;
    while (!rest.empty()) {
      const std::size_t comma = std::min(rest.find(','), rest.size());
      std::string_view token = rest.substr(0, comma);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
        token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
        token.remove_suffix(1);
      if (usock::http::iequals(token, option)) return true;
      rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
    return false;
  };
  if (request.minor_version == 0) return has_option("keep-alive");
  return !has_option("close");
}

void release_if_large(std::string& buffer) {
  if (buffer.empty() && buffer.capacity() > kKeptCapacity) std::string().swap(buffer);
}

}  // namespace

Worker::Worker(usock::Stack& stack, usock::Socket listener, Shared& shared)
    : shared_(shared),
      listener_(std::move(listener)),
      poller_(stack.poll()),
      buffer_(kReadBufferSize),
      header_timeout_(seconds(shared.options.header_timeout)),
      idle_timeout_(seconds(shared.options.idle_timeout)) {
  listener_.setblocking(false);
  poller_.add(listener_, usock::pollev::in, kListenerToken);
}

void Worker::run() {
  while (!(stopping_ && connections_.empty())) {
    if (!stopping_ && shared_.stopping.load(std::memory_order_relaxed)) begin_stop();
    for (const auto& event : poller_.poll(kStopCheckMs)) {
      if (event.token == kListenerToken) {
        accept_clients();
      } else {
        serve(event.token);
      }
    }
    close_expired();
  }
}

void Worker::begin_stop() {
  stopping_ = true;
  if (listening_) poller_.remove(listener_);
  listening_ = false;
  listener_.close();
  // Connections waiting for a request go now; responses in flight finish.
  std::vector<std::uint64_t> waiting;
  for (auto& [token, connection] : connections_) {
    if (has_output(connection.out, connection.out_sent, connection.file_left)) {
      connection.closing = true;
    } else {
      waiting.push_back(token);
    }
  }
  for (const auto token : waiting)
    close(token, "server stopping");
}

void Worker::accept_clients() {
  while (listening_) {
    std::optional<std::pair<usock::Socket, usock::SockAddr>> accepted;
    try {
      accepted = listener_.accept();
    } catch (const usock::OSError& error) {
      if (would_block(error) || error.code() == ECONNABORTED) return;
      if (error.code() != EMFILE && error.code() != ENFILE) throw;
      // Out of descriptors: stop accepting until a connection closes, or the
      // level-triggered listener would wake us again at once, forever.
      spdlog::warn("cannot accept more clients ({}); pausing until one leaves", error.reason());
      poller_.remove(listener_);
      listening_ = false;
      return;
    }
    auto& socket = accepted->first;
    const auto& peer = accepted->second;
    if (shared_.open_connections.load(std::memory_order_relaxed) >=
        shared_.options.max_connections) {
      spdlog::warn("refusing {}: {} connections already (--max-connections)", peer.repr(),
                   shared_.options.max_connections);
      continue;  // the socket closes as it goes out of scope
    }
    socket.set_name("client_sock");
    socket.setblocking(false);
    Connection connection;
    connection.peer = peer;
    try {
      connection.transport = shared_.tls
                                 ? tls_transport(std::move(socket), *shared_.tls, shared_.tracer)
                                 : plain_transport(std::move(socket));
    } catch (const usock::OSError& error) {
      spdlog::info("{}: {}", peer.repr(), error.reason());
      continue;
    }
    connection.deadline = Clock::now() + header_timeout_;
    const std::uint64_t token = next_token_++;
    poller_.add(connection.transport->socket(), usock::pollev::in, token);
    connections_.emplace(token, std::move(connection));
    shared_.open_connections.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("{}: connected", peer.repr());
  }
}

void Worker::serve(std::uint64_t token) {
  const auto found = connections_.find(token);
  if (found == connections_.end()) return;
  Connection& connection = found->second;
  try {
    if (connection.lingering) {
      // Unread input is drained so that closing does not reset the response.
      if (!receive(connection)) close(token, "closed after the response");
      return;
    }
    while (true) {
      if (has_output(connection.out, connection.out_sent, connection.file_left)) {
        if (!flush(connection)) {
          watch(token, connection, true);
          return;
        }
        if (connection.closing) {
          close_gently(token, connection);
          return;
        }
        connection.deadline =
            Clock::now() + (connection.in.empty() ? idle_timeout_ : header_timeout_);
      }
      handle_requests(connection);
      if (has_output(connection.out, connection.out_sent, connection.file_left)) continue;
      if (connection.closing) {
        close_gently(token, connection);
        return;
      }
      if (connection.drained) {
        // Wait for the poller rather than try a read that would find nothing.
        connection.drained = false;
        watch(token, connection, false);
        return;
      }
      const bool was_waiting = connection.in.empty() && connection.body_to_skip == 0;
      if (!receive(connection)) {
        close(token, connection.in.empty() ? "closed by peer" : "closed mid-request");
        return;
      }
      // The header timeout runs from a request's first byte, not its last,
      // so a client trickling bytes cannot hold the connection forever.
      if (was_waiting && !connection.in.empty()) {
        connection.deadline = Clock::now() + header_timeout_;
      }
      if (connection.drained && connection.in.empty() && connection.body_to_skip == 0) {
        watch(token, connection, false);
        connection.drained = false;
        return;
      }
    }
  } catch (const usock::OSError& error) {
    close(token, error.reason());
  }
}

bool Worker::receive(Connection& connection) {
  std::size_t got = 0;
  try {
    got = connection.transport->recv_into(buffer_);
  } catch (const usock::OSError& error) {
    if (!would_block(error)) throw;
    connection.drained = true;
    return true;
  }
  if (got == 0) return false;
  connection.drained = got < buffer_.size();
  if (!connection.lingering) connection.in.append(buffer_.data(), got);
  return true;
}

void Worker::handle_requests(Connection& connection) {
  std::size_t used = 0;
  while (!connection.closing && connection.file_left == 0) {
    if (connection.body_to_skip > 0) {
      const auto skipped =
          std::min<std::uint64_t>(connection.body_to_skip, connection.in.size() - used);
      used += skipped;
      connection.body_to_skip -= skipped;
      if (connection.body_to_skip > 0) break;
    }
    RequestHead request;
    const std::string_view rest = std::string_view(connection.in).substr(used);
    const auto parsed = usock::http::parse_request_head(rest, request);
    if (parsed.status == usock::http::ParseResult::Status::incomplete) break;
    if (parsed.status == usock::http::ParseResult::Status::invalid) {
      spdlog::info("{}: bad request: {}", connection.peer.repr(), parsed.error);
      Responder::refuse(parsed.reply_status, connection.out);
      connection.closing = true;
      break;
    }
    const bool more = handle_request(connection, request, rest.substr(0, parsed.consumed));
    used += parsed.consumed;
    if (!more) break;
  }
  connection.in.erase(0, used);
  release_if_large(connection.in);
}

bool Worker::handle_request(Connection& connection, const RequestHead& request,
                            std::string_view head) {
  if (shared_.dump) shared_.dump->print(connection.peer, head);
  const auto& options = shared_.options;
  std::string framing_error;
  const auto framing = usock::http::request_framing(request, framing_error);
  const bool no_host =
      request.minor_version == 1 && usock::http::find_header(request.headers, "Host") == nullptr;
  if (!framing || no_host) {
    spdlog::info("{}: bad request: {}", connection.peer.repr(),
                 framing ? "HTTP/1.1 without Host" : framing_error);
    const Reply reply = Responder::refuse(400, connection.out);
    if (shared_.access_log)
      shared_.access_log->record(connection.peer, request, 400, reply.body_bytes);
    connection.closing = true;
    return false;
  }
  if (options.max_requests) {
    const std::uint64_t taken = shared_.requests_taken.fetch_add(1, std::memory_order_relaxed);
    if (taken >= *options.max_requests) {
      connection.closing = true;  // another worker answered the last one
      return false;
    }
    if (taken + 1 == *options.max_requests) shared_.stopping.store(true);
  }
  bool keep_alive =
      wants_keep_alive(request) && !stopping_ && !shared_.stopping.load(std::memory_order_relaxed);
  // A chunked body is not decoded here: the connection ends after the
  // answer instead, so its bytes are never taken for a request.
  if (framing->kind == usock::http::Framing::Kind::chunked) keep_alive = false;
  if (framing->kind == usock::http::Framing::Kind::length) {
    connection.body_to_skip = framing->length;
  }
  Reply reply = shared_.responder.answer(request, keep_alive, connection.out);
  if (shared_.access_log) {
    shared_.access_log->record(connection.peer, request, reply.status, reply.body_bytes);
  }
  if (reply.file_left > 0) {
    connection.file = std::move(reply.file);
    connection.file_offset = reply.file_offset;
    connection.file_left = reply.file_left;
  }
  if (!reply.keep_alive) connection.closing = true;
  return reply.keep_alive;
}

bool Worker::flush(Connection& connection) {
  try {
    while (connection.out_sent < connection.out.size()) {
      connection.out_sent +=
          connection.transport->send(std::string_view(connection.out).substr(connection.out_sent));
      connection.deadline = Clock::now() + idle_timeout_;
    }
    connection.out.clear();
    connection.out_sent = 0;
    release_if_large(connection.out);
    while (connection.file_left > 0) {
      const std::size_t sent = connection.transport->send_file(
          connection.file.get(), connection.file_offset,
          static_cast<std::size_t>(std::min(connection.file_left, kFileSlice)));
      if (sent == 0) {
        // The file shrank under us: the promised length cannot be kept, so
        // the connection ends and the client sees the body was cut.
        spdlog::warn("{}: file shrank while being sent", connection.peer.repr());
        connection.file_left = 0;
        connection.closing = true;
        break;
      }
      connection.file_offset += sent;
      connection.file_left -= sent;
      connection.deadline = Clock::now() + idle_timeout_;
    }
    connection.file = FileHandle();
    return true;
  } catch (const usock::OSError& error) {
    if (!would_block(error)) throw;
    return false;
  }
}

void Worker::close_gently(std::uint64_t token, Connection& connection) {
  // Input the client sent but we never read would make close() send a
  // reset, which can destroy the response before the client reads it: say
  // we are done sending, and read until the client closes too.
  if (connection.in.empty() && connection.body_to_skip == 0 && connection.drained) {
    close(token, "done");
    return;
  }
  connection.lingering = true;
  connection.in.clear();
  release_if_large(connection.in);
  connection.transport->socket().shutdown(1);
  connection.deadline = Clock::now() + kLingerTime;
  watch(token, connection, false);
}

void Worker::watch(std::uint64_t token, Connection& connection, bool out) {
  if (connection.wants_out == out) return;
  poller_.modify(connection.transport->socket(), out ? usock::pollev::out : usock::pollev::in,
                 token);
  connection.wants_out = out;
}

void Worker::close(std::uint64_t token, std::string_view why) {
  const auto found = connections_.find(token);
  if (found == connections_.end()) return;
  spdlog::debug("{}: {}", found->second.peer.repr(), why);
  poller_.remove(found->second.transport->socket());
  try {
    found->second.transport->close();
  } catch (const usock::OSError&) {
    // Closing a connection the peer already broke has nothing left to report.
  }
  connections_.erase(found);
  shared_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  if (!listening_ && !stopping_) {
    poller_.add(listener_, usock::pollev::in, kListenerToken);
    listening_ = true;
  }
}

void Worker::close_expired() {
  const auto now = Clock::now();
  if (now < next_expiry_check_) return;
  next_expiry_check_ = now + std::chrono::milliseconds(kStopCheckMs);
  std::vector<std::uint64_t> expired;
  for (const auto& [token, connection] : connections_) {
    if (now >= connection.deadline) expired.push_back(token);
  }
  for (const auto token : expired)
    close(token, "timed out");
}

}  // namespace userve
