#include "output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "exit_codes.hpp"
#include "tool.hpp"

namespace uhttpget {
namespace {

using usock::cli::Failure;
using usock::cli::kExitWrite;

// The temporary file a signal handler must remove: a fixed buffer, since a
// handler may only call async-signal-safe functions such as unlink().
char g_pending_file[4096];

extern "C" void remove_pending_file(int signal_number) {
  if (g_pending_file[0] != '\0') ::unlink(g_pending_file);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void watch_for_interruption(const std::string& temp_path) {
  if (temp_path.size() >= sizeof g_pending_file) return;  // mkstemp's limit is PATH_MAX anyway
  std::memcpy(g_pending_file, temp_path.c_str(), temp_path.size() + 1);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP})
    std::signal(signal_number, remove_pending_file);
}

void stop_watching() {
  g_pending_file[0] = '\0';
}

// mkstemp makes the file 0600; a finished download gets the mode any new
// file would, as curl's does.
void give_usual_mode(int fd) {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
}

}  // namespace

Output::Output(const std::optional<std::string>& path) : fd_(STDOUT_FILENO) {
  if (!path || *path == "-") return;
  path_ = *path;
  // A device or a pipe (/dev/null, a FIFO) is written as it is: it cannot be
  // renamed over, and holds nothing a reader could mistake for complete.
  struct stat existing {};
  if (::stat(path_.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode) &&
      !S_ISDIR(existing.st_mode)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throw Failure(kExitWrite, "cannot open '" + path_ + "'", std::strerror(errno));
    return;
  }
  const std::filesystem::path target(path_);
  const auto directory = target.has_parent_path() ? target.parent_path() : ".";
  temp_path_ = (directory / ("." + target.filename().string() + ".uhttpget-XXXXXX")).string();
  fd_ = ::mkstemp(temp_path_.data());
  if (fd_ < 0) {
    throw Failure(kExitWrite, "cannot create a file in '" + directory.string() + "'",
                  std::strerror(errno));
  }
  give_usual_mode(fd_);
  watch_for_interruption(temp_path_);
}

Output::~Output() {
  discard();
}

void Output::write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd_, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      const std::string where = to_stdout() ? "standard output" : "'" + path_ + "'";
      throw Failure(kExitWrite, "cannot write to " + where, std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

void Output::commit() {
  if (temp_path_.empty()) return;
  if (::close(fd_) != 0 || ::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    fd_ = -1;
    throw Failure(kExitWrite, "cannot write '" + path_ + "'", std::strerror(error));
  }
  fd_ = -1;
  temp_path_.clear();
  stop_watching();
}

void Output::discard() noexcept {
  if (to_stdout()) return;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
  stop_watching();
}

}  // namespace uhttpget
