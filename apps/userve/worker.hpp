#pragma once
// One HTTP event loop: a listener of its own (the kernel spreads clients over
// workers through SO_REUSEPORT) and every connection it accepted, all
// non-blocking on one Poller. A connection reads a request head, gets its
// response (several, when requests are pipelined), sends it, and waits for
// the next; one that is slow at any step is bounded by a deadline and
// dropped, without delaying the others.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "shared.hpp"
#include "static_site.hpp"
#include "transport.hpp"
#include "usock/stack.hpp"

namespace userve {

class Worker {
 public:
  Worker(usock::Stack& stack, usock::Socket listener, Shared& shared);
  // Serves until the server stops, then finishes the responses in flight.
  void run();

 private:
  struct Connection {
    std::unique_ptr<Transport> transport;
    usock::SockAddr peer;
    std::string in;   // received, not yet handled
    std::string out;  // response bytes not yet sent, from out_sent
    std::size_t out_sent = 0;
    FileHandle file;  // a response body still to send from a file
    std::uint64_t file_offset = 0;
    std::uint64_t file_left = 0;
    std::uint64_t body_to_skip = 0;  // of a request body nobody reads
    bool closing = false;            // close once the output is sent
    bool lingering = false;          // output done; draining input before closing
    bool drained = false;            // the last read emptied the socket
    bool wants_out = false;          // registered for writability
    usock::Clock::time_point deadline;
  };

  void accept_clients();
  void serve(std::uint64_t token);
  // Reads once; false at EOF. EAGAIN leaves `drained` set.
  bool receive(Connection& connection);
  // Answers the complete requests at the front of the input.
  void handle_requests(Connection& connection);
  // Answers one parsed request (`head` is its bytes, for the seed's
  // narration); false when no request may follow on this connection.
  bool handle_request(Connection& connection, const usock::http::RequestHead& request,
                      std::string_view head);
  // Sends what it can; true once nothing is left.
  bool flush(Connection& connection);
  void close_gently(std::uint64_t token, Connection& connection);
  void watch(std::uint64_t token, Connection& connection, bool out);
  void close(std::uint64_t token, std::string_view why);
  void close_expired();
  void begin_stop();

  Shared& shared_;
  usock::Socket listener_;
  usock::Poller poller_;
  std::unordered_map<std::uint64_t, Connection> connections_;
  std::uint64_t next_token_ = 1;
  bool listening_ = true;
  bool stopping_ = false;
  std::vector<char> buffer_;
  usock::Clock::duration header_timeout_;
  usock::Clock::duration idle_timeout_;
  usock::Clock::time_point next_expiry_check_;
};

}  // namespace userve
