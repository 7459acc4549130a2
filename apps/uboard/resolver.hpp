#pragma once
// getaddrinfo and getnameinfo off the board's loop (PROTOCOL.md 11: caps
// ASYNC_DNS, max_block_ms 0). A look-up may block for seconds; one worker thread runs
// them in order on the native stack while the loop keeps serving the link
// and the sockets, and an eventfd the loop watches says when answers wait.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "usock/address.hpp"
#include "usock/stack.hpp"

namespace uboard {

class Resolver {
 public:
  struct Question {
    std::uint64_t ticket = 0;  // the caller's, to match answers to questions still wanted
    std::uint16_t req = 0;
    std::optional<std::string> host;
    std::optional<std::uint16_t> port;
    usock::AddrHints hints;
    // Set for a getnameinfo instead.
    std::optional<usock::SockAddr> name_of;
    int ni_flags = 0;
  };
  struct Answer {
    std::uint64_t ticket = 0;
    std::uint16_t req = 0;
    std::vector<usock::AddrInfo> entries;
    bool names = false;  // a getnameinfo: `name` holds the answer
    usock::NameInfo name;
    int code = 0;  // 0, or the OSError's code (negative: resolver)
    std::string reason;
  };

  explicit Resolver(usock::Stack& stack);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Readable while answers wait.
  int wake_fd() const noexcept { return wake_fd_; }
  void ask(Question question);
  std::vector<Answer> answers();

 private:
  void run();

  usock::Stack& stack_;
  int wake_fd_;
  std::mutex mutex_;
  std::condition_variable asked_;
  std::deque<Question> questions_;
  std::vector<Answer> answers_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace uboard
