#pragma once
// nginx on 127.0.0.1 for a test: a private prefix and configuration in a
// temporary directory, serving `root` over http and, with a certificate, over
// https; started in the foreground, stopped by its own PID.

#include <memory>
#include <optional>
#include <string>

#include "background.hpp"

namespace usock::test {

struct NginxTls {
  std::string certificate;  // PEM files
  std::string key;
};

class Nginx {
 public:
  explicit Nginx(const std::string& root, const std::optional<NginxTls>& tls = std::nullopt);
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  int port() const noexcept { return port_; }
  int tls_port() const noexcept { return tls_port_; }

 private:
  std::string prefix_;
  int port_;
  int tls_port_ = 0;
  std::unique_ptr<Background> process_;
};

// Waits until something accepts TCP connections on 127.0.0.1:`port`; throws
// after `attempts` tries 50 ms apart.
void wait_for_port(int port, int attempts = 200);

}  // namespace usock::test
