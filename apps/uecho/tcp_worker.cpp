#include "tcp_worker.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>

#include "usock/error.hpp"

namespace uecho {
namespace {

constexpr std::uint64_t kListenerToken = 0;
// Big enough that a loopback burst needs few system calls.
constexpr std::size_t kBufferSize = 256 * 1024;
constexpr int kStopCheckMs = 250;

bool would_block(const usock::OSError& error) {
  return error.code() == EAGAIN;
}

}  // namespace

TcpWorker::TcpWorker(usock::Stack& stack, usock::Socket listener, const ServerOptions& options,
                     Reporter& reporter)
    : listener_(std::move(listener)),
      options_(options),
      reporter_(reporter),
      poller_(stack.poll()),
      buffer_(kBufferSize) {
  listener_.setblocking(false);
  poller_.add(listener_, usock::pollev::in, kListenerToken);
}

bool TcpWorker::done() const {
  return options_.once && served_one_ && connections_.empty();
}

void TcpWorker::run(const std::atomic<bool>& stopping) {
  while (!stopping.load(std::memory_order_relaxed) && !done()) {
    for (const auto& event : poller_.poll(kStopCheckMs)) {
      if (event.token == kListenerToken) {
        accept_clients();
      } else {
        serve(event.token);
      }
    }
    if (options_.idle_timeout > 0) close_idle();
  }
}

std::optional<std::pair<usock::Socket, usock::SockAddr>> TcpWorker::accept_one() {
  try {
    return listener_.accept();
  } catch (const usock::OSError& error) {
    if (would_block(error) || error.code() == ECONNABORTED) return std::nullopt;
    if (error.code() != EMFILE && error.code() != ENFILE) throw;
    // Out of descriptors: stop accepting until a connection closes, or the
    // level-triggered listener would wake us again at once, forever.
    spdlog::warn("cannot accept more clients ({}); pausing until one leaves", error.reason());
    poller_.remove(listener_);
    listening_ = false;
    return std::nullopt;
  }
}

void TcpWorker::accept_clients() {
  while (listening_) {
    auto accepted = accept_one();
    if (!accepted) return;
    auto& [socket, peer] = *accepted;
    if (connections_.size() >= options_.max_clients) {
      spdlog::warn("refusing {}: {} clients already (--max-clients)", peer.repr(),
                   connections_.size());
      continue;  // the socket closes as it goes out of scope
    }
    reporter_.line("Connected by " + peer.repr());
    socket.setblocking(false);
    const std::uint64_t token = next_token_++;
    poller_.add(socket, usock::pollev::in, token);
    connections_.emplace(token,
                         Connection{token, std::move(socket), peer, {}, usock::Clock::now()});
    if (options_.once) {
      // The documented server serves one client; later ones are refused.
      served_one_ = true;
      poller_.remove(listener_);
      listener_.close();
      listening_ = false;
    }
  }
}

void TcpWorker::serve(std::uint64_t token) {
  const auto found = connections_.find(token);
  if (found == connections_.end()) return;
  Connection& connection = found->second;
  try {
    const bool alive = connection.unsent.empty() ? echo(connection) : flush(connection);
    if (!alive) close(token, "closed by peer");
  } catch (const usock::OSError& error) {
    close(token, error.reason());
  }
}

bool TcpWorker::echo(Connection& connection) {
  std::size_t got = 0;
  try {
    got = connection.socket.recv_into(buffer_);
  } catch (const usock::OSError& error) {
    if (would_block(error)) return true;
    throw;
  }
  if (got == 0) return false;
  connection.last_active = usock::Clock::now();
  std::size_t sent = 0;
  try {
    sent = connection.socket.send(std::string_view(buffer_.data(), got));
  } catch (const usock::OSError& error) {
    if (!would_block(error)) throw;
  }
  if (sent < got) {
    connection.unsent.assign(buffer_.data() + sent, got - sent);
    poller_.modify(connection.socket, usock::pollev::out, connection.token);
  }
  return true;
}

bool TcpWorker::flush(Connection& connection) {
  std::size_t sent = 0;
  try {
    sent = connection.socket.send(connection.unsent);
  } catch (const usock::OSError& error) {
    if (!would_block(error)) throw;
  }
  connection.unsent.erase(0, sent);
  if (sent > 0) connection.last_active = usock::Clock::now();
  if (connection.unsent.empty()) {
    connection.unsent.shrink_to_fit();
    poller_.modify(connection.socket, usock::pollev::in, connection.token);
  }
  return true;
}

void TcpWorker::close(std::uint64_t token, std::string_view why) {
  const auto found = connections_.find(token);
  if (found == connections_.end()) return;
  spdlog::info("{}: {}", found->second.peer.repr(), why);
  poller_.remove(found->second.socket);
  connections_.erase(found);
  if (!listening_ && !options_.once) {
    poller_.add(listener_, usock::pollev::in, kListenerToken);
    listening_ = true;
  }
}

void TcpWorker::close_idle() {
  const auto now = usock::Clock::now();
  if (now < next_idle_check_) return;
  const auto limit = std::chrono::duration_cast<usock::Clock::duration>(
      std::chrono::duration<double>(options_.idle_timeout));
  next_idle_check_ = now + std::min<usock::Clock::duration>(limit / 2, std::chrono::seconds(1));
  std::vector<std::uint64_t> idle;
  for (const auto& [token, connection] : connections_) {
    if (now - connection.last_active >= limit) idle.push_back(token);
  }
  for (const auto token : idle)
    close(token, "idle for --idle-timeout");
}

}  // namespace uecho
