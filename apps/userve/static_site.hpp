#pragma once
// The files under --root, looked up for a request path. Every open goes
// through openat2(2) with RESOLVE_BENEATH from the root's descriptor, so the
// kernel itself refuses any path, symlink or race that would leave the root:
// nothing outside it is ever opened, whatever the path or the tree holds.

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <string>
#include <utility>

#include "usock/http/path.hpp"

namespace userve {

// An open file descriptor, closed when dropped.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) noexcept : fd_(fd) {}
  FileHandle(FileHandle&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileHandle& operator=(FileHandle&& other) noexcept;
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  ~FileHandle();

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct FoundFile {
  // 200 with `file` open, 301 (a directory named without its slash), 403
  // (no index, not a regular file, unreadable or outside the root) or 404.
  int status = 404;
  FileHandle file;
  std::uint64_t size = 0;
  std::time_t modified = 0;
  std::string served_path;  // the file's path under the root, for its type
};

class StaticSite {
 public:
  // Raises Failure when the root cannot be opened or the kernel cannot
  // resolve beneath it (openat2 needs Linux 5.6).
  explicit StaticSite(const std::string& root);
  StaticSite(const StaticSite&) = delete;
  StaticSite& operator=(const StaticSite&) = delete;

  FoundFile find(const usock::http::TargetPath& target) const;

 private:
  // openat2 beneath the root; a negative errno on failure.
  int open_beneath(const std::string& relative) const;
  FoundFile open_file(const std::string& relative) const;

  FileHandle root_;
};

}  // namespace userve
