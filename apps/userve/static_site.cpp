#include "static_site.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exit_codes.hpp"
#include "tool.hpp"

namespace userve {
namespace {

int status_for_errno(int code) {
  switch (code) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
      return 404;
    default:
      // EXDEV and ELOOP: a path or symlink that would leave the root.
      return 403;
  }
}

}  // namespace

FileHandle& FileHandle::operator=(FileHandle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileHandle::~FileHandle() {
  if (fd_ >= 0) ::close(fd_);
}

StaticSite::StaticSite(const std::string& root)
    : root_(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
  if (!root_) {
    throw usock::cli::Failure(usock::cli::kExitUsage, "cannot serve '" + root + "'",
                              std::strerror(errno));
  }
  const int probe = open_beneath(".");
  if (probe == -ENOSYS) {
    throw usock::cli::Failure(usock::cli::kExitFailure, "cannot serve files safely on this kernel",
                              "openat2 needs Linux 5.6 or later");
  }
  if (probe >= 0) ::close(probe);
}

int StaticSite::open_beneath(const std::string& relative) const {
  open_how how{};
  // O_NONBLOCK: opening a FIFO someone left in the tree must not hang the loop.
  how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = -1;
  do {
    fd = ::syscall(SYS_openat2, root_.get(), relative.c_str(), &how, sizeof how);
  } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
  return fd < 0 ? -errno : static_cast<int>(fd);
}

FoundFile StaticSite::open_file(const std::string& relative) const {
  FoundFile found;
  const int fd = open_beneath(relative.empty() ? "." : relative);
  if (fd < 0) {
    found.status = status_for_errno(-fd);
    return found;
  }
  found.file = FileHandle(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    found.status = 403;
    return found;
  }
  found.size = static_cast<std::uint64_t>(info.st_size);
  found.modified = info.st_mtime;
  found.served_path = relative;
  found.status = S_ISREG(info.st_mode) ? 200 : S_ISDIR(info.st_mode) ? 301 : 403;
  return found;
}

FoundFile StaticSite::find(const usock::http::TargetPath& target) const {
  FoundFile found = open_file(target.relative);
  if (found.status == 301 && target.directory) {
    found = open_file(target.relative.empty() ? "index.html" : target.relative + "/index.html");
    // A directory without an index is not listed.
    if (found.status == 404 || found.status == 301) found.status = 403;
  } else if (found.status == 200 && target.directory) {
    found.status = 404;  // "/file.txt/" names a directory that is not there
  }
  if (found.status != 200) found.file = FileHandle();
  return found;
}

}  // namespace userve
