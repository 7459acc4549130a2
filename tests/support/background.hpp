#pragma once
// A server started for a test: spawned with its output captured, waited for
// until it says it is ready, and stopped by its own PID (SIGTERM, then
// SIGKILL) when the test is done, whatever the outcome.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace usock::test {

class Board;

class Background {
 public:
  explicit Background(const std::vector<std::string>& argv);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // Reads stderr until a line matches `pattern`; returns the first capture
  // group (or the whole line). Throws when the process exits or the time runs out.
  std::string wait_for_stderr(const std::string& pattern,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The same for stdout.
  std::string wait_for_stdout(const std::string& pattern,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends SIGTERM and waits for the exit status (-1 if it had to be killed).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // Waits for the process to exit by itself; -1 if it had to be killed.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  pid_t pid() const noexcept { return pid_; }
  // Everything read so far (call after stop() or wait() for all of it).
  const std::string& out() const noexcept { return out_; }
  const std::string& err() const noexcept { return err_; }

 private:
  // Reads what is available within `timeout_ms`; false once both pipes closed.
  bool pump(int timeout_ms);
  std::string wait_for(const std::string& name, const std::string& text, std::size_t& scanned,
                       const std::string& pattern, std::chrono::milliseconds timeout);
  int reap(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool exited_ = false;
  int status_ = -1;
  std::string out_;
  std::string err_;
  std::size_t err_scanned_ = 0;
  std::size_t out_scanned_ = 0;
  // The emulated board a tool under test runs its calls on (board.hpp);
  // declared last, so it outlives the tool.
  std::unique_ptr<Board> board_;
};

// A TCP port that was free a moment ago (bound to port 0, then released),
// for peers such as socat that cannot report the port they picked.
int free_tcp_port();

}  // namespace usock::test
