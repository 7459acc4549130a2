#include "file_server.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <utility>

#include "nginx.hpp"

namespace usock::test {
namespace {

std::string make_dir() {
  char dir[] = "/tmp/usock-files-XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
  return dir;
}

}  // namespace

std::string random_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes)
    byte = static_cast<char>(random());
  return bytes;
}

FileServer::FileServer(std::string content, const std::string& name, int port_attempts)
    : dir_(make_dir()),
      name_(name),
      port_(std::to_string(free_tcp_port())),
      server_({"python3", "-m", "http.server", port_, "--bind", "127.0.0.1", "--directory", dir_}),
      content_(std::move(content)) {
  std::ofstream(dir_ + "/" + name_, std::ios::binary) << content_;
  wait_for_port(std::stoi(port_), port_attempts);
}

FileServer::~FileServer() {
  std::filesystem::remove_all(dir_);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace usock::test
