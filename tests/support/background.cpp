#include "background.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "board.hpp"

extern char** environ;

namespace usock::test {

Background::Background(const std::vector<std::string>& argv_in) {
  const std::vector<std::string> argv = on_board(argv_in, board_);
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> pointers;
  for (auto& arg : args)
    pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  const int spawned =
      ::posix_spawnp(&pid_, pointers[0], &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (spawned != 0) {
    ::close(out_fd_);
    ::close(err_fd_);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(spawned));
  }
}

Background::~Background() {
  if (!exited_) stop(std::chrono::seconds(5));
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool Background::pump(int timeout_ms) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  if (::poll(fds, 2, timeout_ms) <= 0) return true;
  for (auto& entry : fds) {
    if (entry.fd < 0 || !(entry.revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buffer[65536];
    const ssize_t got = ::read(entry.fd, buffer, sizeof buffer);
    auto& sink = entry.fd == out_fd_ ? out_ : err_;
    if (got > 0) {
      sink.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      ::close(entry.fd);
      (entry.fd == out_fd_ ? out_fd_ : err_fd_) = -1;
    }
  }
  return true;
}

std::string Background::wait_for_stderr(const std::string& pattern,
                                        std::chrono::milliseconds timeout) {
  return wait_for("stderr", err_, err_scanned_, pattern, timeout);
}

std::string Background::wait_for_stdout(const std::string& pattern,
                                        std::chrono::milliseconds timeout) {
  return wait_for("stdout", out_, out_scanned_, pattern, timeout);
}

std::string Background::wait_for(const std::string& name, const std::string& text,
                                 std::size_t& scanned, const std::string& pattern,
                                 std::chrono::milliseconds timeout) {
  const std::regex wanted(pattern);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::size_t newline;
    while ((newline = text.find('\n', scanned)) != std::string::npos) {
      const std::string line = text.substr(scanned, newline - scanned);
      scanned = newline + 1;
      std::smatch match;
      if (std::regex_search(line, match, wanted)) return match.size() > 1 ? match[1] : match[0];
    }
    if (!pump(100)) {
      throw std::runtime_error("process ended before printing /" + pattern + "/ on " + name +
                               "; stderr: " + err_);
    }
  }
  throw std::runtime_error("no /" + pattern + "/ on " + name + " in time; stderr: " + err_);
}

int Background::reap(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exited_ = true;
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      exited_ = true;
      status_ = -1;
      break;
    }
    pump(20);
  }
  // Children of the process (socat's forks, ncat's cat) may hold the pipes
  // open past its exit: drain for a bounded time, then let go of them.
  const auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while ((out_fd_ >= 0 || err_fd_ >= 0) && std::chrono::steady_clock::now() < drain_until) {
    pump(20);
  }
  return status_;
}

int Background::stop(std::chrono::milliseconds grace) {
  if (!exited_) ::kill(pid_, SIGTERM);
  return reap(grace);
}

int Background::wait(std::chrono::milliseconds timeout) {
  return reap(timeout);
}

int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace usock::test
