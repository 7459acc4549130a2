#pragma once
// One file in a directory of its own, served by python3's http.server on
// 127.0.0.1: the download peer of the device tests. The directory goes
// with the server.

#include <cstddef>
#include <cstdint>
#include <string>

#include "background.hpp"

namespace usock::test {

// `size` reproducible random bytes: a lost, doubled or reordered byte shows.
std::string random_bytes(std::size_t size, std::uint32_t seed);

class FileServer {
 public:
  // `port_attempts` as for wait_for_port: python3 starts slowly on a loaded
  // machine.
  FileServer(std::string content, const std::string& name, int port_attempts = 200);
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + port_ + "/" + name_; }
  const std::string& content() const noexcept { return content_; }
  // A path beside the served file, for the download.
  std::string out_path() const { return dir_ + "/out.bin"; }

 private:
  std::string dir_;
  std::string name_;
  std::string port_;
  Background server_;
  std::string content_;
};

// The whole of a file; empty when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace usock::test
