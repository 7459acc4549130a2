#include "nginx.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace usock::test {

Nginx::Nginx(const std::string& root, const std::optional<NginxTls>& tls) : port_(free_tcp_port()) {
  char dir[] = "/tmp/usock-nginx-XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
  prefix_ = dir;
  std::filesystem::create_directory(prefix_ + "/logs");
  std::string servers =
      "server { listen 127.0.0.1:" + std::to_string(port_) + "; root " + root + "; }\n";
  if (tls) {
    tls_port_ = free_tcp_port();
    servers += "server { listen 127.0.0.1:" + std::to_string(tls_port_) + " ssl; root " + root +
               "; ssl_certificate " + tls->certificate + "; ssl_certificate_key " + tls->key +
               "; }\n";
  }
  // Everything nginx writes stays under the prefix: it runs as whoever runs
  // the tests and touches nothing of the system's nginx.
  std::ofstream(prefix_ + "/nginx.conf")
      << "worker_processes 1;\npid " << prefix_ << "/nginx.pid;\nerror_log stderr warn;\n"
      << "events { worker_connections 256; }\n"
      << "http {\n  access_log off;\n  default_type application/octet-stream;\n"
      << "  client_body_temp_path " << prefix_ << "/body;\n  proxy_temp_path " << prefix_
      << "/proxy;\n  fastcgi_temp_path " << prefix_ << "/fastcgi;\n  uwsgi_temp_path " << prefix_
      << "/uwsgi;\n  scgi_temp_path " << prefix_ << "/scgi;\n  " << servers << "}\n";
  process_ = std::make_unique<Background>(std::vector<std::string>{
      "nginx", "-p", prefix_, "-c", prefix_ + "/nginx.conf", "-g", "daemon off; user root;"});
  wait_for_port(port_);
  if (tls) wait_for_port(tls_port_);
}

Nginx::~Nginx() {
  process_.reset();
  std::filesystem::remove_all(prefix_);
}

void wait_for_port(int port, int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (connected) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("nothing listens on port " + std::to_string(port));
}

}  // namespace usock::test
