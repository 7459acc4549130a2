#pragma once
// Where the response goes: stdout, or a file that appears under its name
// only once complete. The bytes go to a temporary file beside it, renamed
// into place by commit(); a failure, or SIGINT/SIGTERM/SIGHUP, removes it,
// so an interrupted download never leaves a file that looks whole. A device
// or a pipe (-o /dev/null) is written directly.

#include <optional>
#include <string>
#include <string_view>

namespace uhttpget {

class Output {
 public:
  // nullopt or "-": stdout. Opening the file fails now (exit 23), before any
  // network traffic.
  explicit Output(const std::optional<std::string>& path);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(std::string_view data);
  // The file is complete: move it into place. Nothing to do for stdout.
  void commit();
  bool to_stdout() const noexcept { return path_.empty(); }

 private:
  void discard() noexcept;

  std::string path_;  // empty for stdout
  std::string temp_path_;
  int fd_;
};

}  // namespace uhttpget
