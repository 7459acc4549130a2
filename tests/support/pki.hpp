#pragma once
// A throwaway PKI made with the openssl CLI: a CA, and certificates it signed
// for localhost (with the IP SAN 127.0.0.1), for localhost but expired in
// 2020, and for another host. All leaves share one key (leaf.key); the files
// are ca.pem, localhost.pem, expired.pem and wrong.pem. Removed on destruction.

#include <string>
#include <vector>

namespace usock::test {

class Pki {
 public:
  Pki();
  ~Pki();
  Pki(const Pki&) = delete;
  Pki& operator=(const Pki&) = delete;

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  void openssl(std::vector<std::string> args) const;
  void sign(const std::string& name, const std::string& host, const std::string& san,
            std::vector<std::string> validity) const;

  std::string dir_;
};

// Made on first use; each test case runs in a process of its own.
const Pki& pki();

}  // namespace usock::test
